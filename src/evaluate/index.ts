/**
 * The reference evaluator: applies a rule's IR to JSON events. It is the executable definition of
 * Sigma semantics that `sigmantic test` and the backends' tests use as their oracle.
 */
export {
  compileRule,
  compileNode,
  prepareEvent,
  PreparedEvent,
  type CompiledRule,
  type CompiledNode,
  type CompileOptions,
  type EventInput,
} from './compile.js';
export {
  flattenEvent,
  readEvents,
  scalarValues,
  type FlatEvent,
  type Json,
  type JsonObject,
} from './events.js';
export { fold } from './fold.js';
export { translateRegex, type RegexResult } from '../regex/index.js';
export {
  explain,
  explainer,
  renderExplanation,
  describeNode,
  type Explanation,
  type ExplainNode,
  type SelectionResult,
} from './explain.js';
export {
  evaluateCorrelation,
  type CorrelationEvalOptions,
  type CorrelationEvalResult,
  type CorrelationMatch,
} from './correlation.js';
