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
    formats: ['analytics-rule', 'arm-template'],
    description:
      'queryFrequency of each analytics rule (5m, 1h, 1d, 01:00:00 or ISO 8601 PT1H; 5 minutes to 14 days)',
  },
  {
    name: 'queryPeriod',
    type: 'string',
    formats: ['analytics-rule', 'arm-template'],
    description:
      'queryPeriod of each analytics rule (default: the queryFrequency; at least the queryFrequency, at most 14 days)',
  },
  {
    name: 'enabled',
    type: 'boolean',
    default: 'false',
    formats: ['arm-template'],
    description: 'deploy the ARM template rules enabled (default: disabled, to enable after review)',
  },
];
