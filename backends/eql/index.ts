/**
 * The `eql` target: Elastic's Event Query Language (Elasticsearch EQL search, Kibana Security EQL
 * rules). It maps fields and log sources with the Elastic target's ECS pipelines, by reference
 * (the Elastic backend's own registry and defaults, so every pipeline added there is one here), and lowers in render.ts.
 */
import type { Backend } from '../../src/backend.js';
import { elasticBackend } from '../elastic-kql/index.js';
import { convertEqlCorrelation } from './correlation.js';
import { convertEql } from './render.js';
import { SETTINGS } from './settings.js';

export const eqlBackend: Backend = {
  name: 'eql',
  pipelines: elasticBackend.pipelines,
  defaultPipelines: elasticBackend.defaultPipelines,
  // The exact regex-to-wildcard rewrite is shared (a `:` pattern searches faster than a regex).
  capabilities: { regexAsWildcard: true },
  settings: SETTINGS,
  formats: {
    default: {
      description: 'EQL queries, one per line (Elasticsearch EQL search, Kibana Security EQL rules)',
      rule: (r) => r.queries.map((q) => q + '\n').join(''),
    },
  },
  convert: convertEql,
  // temporal and temporal_ordered as `sequence` queries (correlation.ts).
  convertCorrelation: convertEqlCorrelation,
};
