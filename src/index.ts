/**
 * The public library API of sigmantic under Node: everything of the core (src/core.ts, conversion
 * of texts without I/O, re-exported whole) and the Node side: rule files, batches, inputs, the
 * evaluator's correlations.
 */
import './node/host.js';
export * from './core.js';
export { loadRuleFile, loadRulesFile } from './convert.js';
export { run } from './run.js';
export { type RunOptions, type RunSummary } from './batch.js';
export { expandInputs } from './files.js';
export { evaluateCorrelation, type CorrelationMatch } from './evaluate/index.js';
export type {
  Correlation,
  CorrelatedRule,
  CorrelatedField,
  CorrelationType,
  Bound,
} from './ir/correlation.js';
export { buildCorrelation, ReferenceIndex } from './correlation/build.js';
export { link } from './correlation/link.js';
