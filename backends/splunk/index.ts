/** The `splunk` target: Sigma rules as Splunk SPL searches with exact semantics (docs/splunk.md). */
import type { Backend } from '../../src/backend.js';
import { cimValues } from './cim-values.js';
import { DATA_MODEL_FORMATS, renderDataModel } from './data-model.js';
import { FORMATS } from './formats.js';
import { cimPipeline, windowsPipeline } from './pipelines.js';
import { renderCorrelation } from './correlation.js';
import { renderRule } from './render.js';
import { SETTINGS } from './settings.js';

export const splunkBackend: Backend = {
  name: 'splunk',
  pipelines: {
    windows: () => windowsPipeline(false),
    'windows-xml': () => windowsPipeline(true),
    'splunk-cim': cimPipeline,
  },
  defaultPipelines: [],
  formats: {
    ...FORMATS,
    // The tstats form of a CIM-mapped rule (-p splunk-cim): convert renders it for these formats.
    'data-model': {
      description: 'a tstats search of the CIM data model per rule, one per line (needs -p splunk-cim)',
      rule: FORMATS.default.rule,
    },
    'data-model-savedsearches': {
      ...FORMATS.savedsearches,
      description:
        'savedsearches.conf stanzas with the tstats search of the CIM data model (needs -p splunk-cim)',
    },
  },
  settings: SETTINGS,
  // Exact wildcard regexes and keyword numbers become string matches, often search terms.
  capabilities: { regexAsWildcard: true, keywordNumbersAsText: true },
  convert(rule) {
    // -p splunk-cim: values CIM stores in another form than Sysmon (a no-op for other rules).
    const ctx = cimValues(rule);
    if (ctx === null) return [];
    const q = DATA_MODEL_FORMATS.has(ctx.options.format ?? '') ? renderDataModel(ctx) : renderRule(ctx);
    return q === null ? [] : [q];
  },
  convertCorrelation(ctx) {
    const q = renderCorrelation(ctx);
    return q === null ? [] : [q];
  },
};
