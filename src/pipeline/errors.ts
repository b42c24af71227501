/** Errors in pipeline definitions: thrown while loading, reported by the CLI as usage errors. */
import type { Position } from '../diagnostics.js';

/** A malformed pipeline file or object. The message names the file, line and item. */
export class PipelineError extends Error {
  override readonly name = 'PipelineError';
}

/** Where a problem is: the pipeline source, a position if known, and the item. */
export interface Where {
  readonly source: string;
  readonly pos?: Position;
  /** `item 'id' (type)` or `item #3 (type)`. */
  readonly item?: string;
}

export function pipelineError(where: Where, message: string): PipelineError {
  const at = where.pos ? `${where.source}:${where.pos.line}:${where.pos.column}` : where.source;
  return new PipelineError(`${at}: ${where.item ? `${where.item}: ` : ''}${message}`);
}
