/**
 * Processing pipelines (pySigma's format): resolution, loading and application. Backends declare
 * built-in pipelines as pySigma-format data (`pipelineFromObject`); users give files (`-p x.yml`).
 */
export { applyPipelines } from './apply.js';
export { compilePipelines, TRANSFORMATIONS } from './compile.js';
export { CONDITION_TYPES } from './conditions.js';
export { PipelineError } from './errors.js';
export {
  loadPipelineFile,
  pipelineFromObject,
  pipelineFromYaml,
  pipelineNames,
  resolvePipeline,
  type PipelineSource,
} from './load.js';
export { QUERY_EXPRESSION_PLACEHOLDERS } from './types.js';
export type { PipelineOutcome, PipelineSpec } from './types.js';
export { finalize, hasFinalizers, hasPostprocessing, postprocessQueries } from './postprocess.js';
