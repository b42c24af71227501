/**
 * The two library entries (docs/library.md): `sigmantic` (src/index.ts) is the core
 * (`sigmantic/core`, src/core.ts) re-exported whole, plus the Node side. Every name the main entry
 * exported before it re-exported the core is still there.
 */
import * as api from '../../src/index.js';
import * as core from '../../src/core.js';

/** Runtime exports of the main entry only (rule files, batches, inputs, correlations). */
const NODE_ONLY = [
  'ReferenceIndex',
  'buildCorrelation',
  'evaluateCorrelation',
  'expandInputs',
  'link',
  'loadRuleFile',
  'loadRulesFile',
  'run',
];

/** The main entry's runtime exports when it listed them itself (before it re-exported the core). */
const BEFORE = [
  'CODES',
  'ReferenceIndex',
  'TARGETS',
  'buildCorrelation',
  'buildRule',
  'compileRule',
  'convertLoaded',
  'convertText',
  'evaluateCorrelation',
  'expandInputs',
  'explain',
  'explainer',
  'flattenEvent',
  'formatDiagnostic',
  'labelOf',
  'link',
  'loadBackend',
  'loadRuleDocuments',
  'loadRuleFile',
  'loadRuleFromText',
  'loadRuleText',
  'loadRulesFile',
  'loadRulesFromText',
  'parseCondition',
  'prepare',
  'prepareEvent',
  'readEvents',
  'registerTarget',
  'renderExplanation',
  'reportEntry',
  'run',
  'targetNames',
];

test('the main entry is the core and the Node side; nothing it exported before is gone', () => {
  const names = Object.keys(api).sort();
  expect(names).toEqual([...new Set([...Object.keys(core), ...NODE_ONLY])].sort());
  for (const n of Object.keys(core)) expect(api[n as keyof typeof api]).toBe(core[n as keyof typeof core]);
  expect(BEFORE.filter((n) => !names.includes(n))).toEqual([]);
});
