/** The Sentinel target's settings (`--set`; `sigmantic list settings -t sentinel`). */
import type { SettingDecl } from '../../src/backend.js';

export const SETTINGS: readonly SettingDecl[] = [
  {
    name: 'table',
    type: 'string',
    state: 'table',
    description: "the table queried (else the pipelines' table for the rule's log source)",
  },
  {
    name: 'keywords',
    type: 'string',
    state: 'sentinel.keywords',
    default: '*',
    description: 'the column keywords are searched in (`*`: every column)',
  },
  {
    name: 'queryFrequency',
    type: 'string',
    default: '1h',
    formats: ['analytics-rule'],
    description: 'queryFrequency of each analytics rule (ISO 8601 or 5m, 1h, 1d)',
  },
  {
    name: 'queryPeriod',
    type: 'string',
    formats: ['analytics-rule'],
    description: 'queryPeriod of each analytics rule (default: the queryFrequency)',
  },
];
