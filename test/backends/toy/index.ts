/** The toy fourth backend: prefix-form IR, written only in this folder (see toy.test.ts). */
import type { Backend } from '../../../src/backend.js';
import { convertPrefix } from './prefix.js';

export const toyBackend: Backend = {
  name: 'toy',
  pipelines: {},
  defaultPipelines: [],
  // The shared exact pass: a regex that is a wildcard match becomes that string match.
  capabilities: { regexAsWildcard: true },
  formats: {
    default: {
      description: 'one prefix-form query per line',
      rule: (r) => r.queries.map((q) => q + '\n').join(''),
    },
  },
  convert: convertPrefix,
};
