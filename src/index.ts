/** The public library API of sigmantic (under Node: src/core.ts is the part without I/O). */
import './node/host.js';
export {
  loadRuleFile,
  loadRuleFromText,
  loadRulesFile,
  loadRulesFromText,
  convertLoaded,
  labelOf,
  type LoadedRule,
  type LoadedFile,
} from './convert.js';
export { run, prepare } from './run.js';
export { reportEntry, type RunOptions, type RunSummary, type ReportRule } from './batch.js';
export { loadRuleText, loadRuleDocuments } from './rule/load.js';
export { buildRule } from './ir/build.js';
export { parseCondition } from './condition/parser.js';
export { expandInputs } from './files.js';
export {
  loadBackend,
  targetNames,
  registerTarget,
  TARGETS,
  type TargetName,
  type TargetEntry,
} from '../backends/index.js';
export type { Backend, ConvertContext, ConvertOptions, OutputFormat, RuleResult } from './backend.js';
export type { Diagnostic, Label, Severity } from './diagnostics.js';
export { formatDiagnostic, CODES } from './diagnostics.js';
export type * from './ir/types.js';
export type { SigmaRule, LogSource } from './rule/types.js';
export {
  compileRule,
  prepareEvent,
  flattenEvent,
  readEvents,
  explain,
  explainer,
  renderExplanation,
  evaluateCorrelation,
  type CompiledRule,
  type CorrelationMatch,
} from './evaluate/index.js';
export {
  convertText,
  type ConvertTextOptions,
  type PipelineText,
  type TextConversion,
  type TextResult,
} from './core.js';
export type {
  Correlation,
  CorrelatedRule,
  CorrelatedField,
  CorrelationType,
  Bound,
} from './ir/correlation.js';
export { buildCorrelation, ReferenceIndex } from './correlation/build.js';
export { link } from './correlation/link.js';
