/** The `splunk` target: Sigma rules as Splunk SPL searches with exact semantics (docs/splunk.md). */
import type { Backend } from '../../src/backend.js';
import { FORMATS } from './formats.js';
import { windowsPipeline } from './pipelines.js';
import { renderCorrelation } from './correlation.js';
import { renderRule } from './render.js';
import { SETTINGS } from './settings.js';

export const splunkBackend: Backend = {
  name: 'splunk',
  pipelines: {
    windows: () => windowsPipeline(false),
    'windows-xml': () => windowsPipeline(true),
  },
  defaultPipelines: [],
  formats: FORMATS,
  settings: SETTINGS,
  // Exact wildcard regexes and keyword numbers become string matches, often search terms.
  capabilities: { regexAsWildcard: true, keywordNumbersAsText: true },
  convert(ctx) {
    const q = renderRule(ctx);
    return q === null ? [] : [q];
  },
  convertCorrelation(ctx) {
    const q = renderCorrelation(ctx);
    return q === null ? [] : [q];
  },
};
