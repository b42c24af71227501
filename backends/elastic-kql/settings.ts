/** The Elastic target's settings (`--set`; `sigmantic list settings -t elastic`). */
import type { SettingDecl } from '../../src/backend.js';

export const SETTINGS: readonly SettingDecl[] = [
  {
    name: 'case',
    type: 'enum',
    values: ['widen', 'caseless'],
    default: 'widen',
    description: 'case-insensitive values: widen (approximate) or caseless (<field>.caseless sub-fields)',
  },
  {
    name: 'max-clauses',
    type: 'number',
    integer: true,
    min: 1,
    default: '4096',
    description: 'most boolean clauses in one query (indices.query.bool.max_clause_count)',
  },
  {
    name: 'index',
    type: 'list',
    state: 'index',
    default: 'logs-*',
    formats: ['detection-rule'],
    description: 'index patterns of each detection rule',
  },
  {
    name: 'enabled',
    type: 'boolean',
    default: 'false',
    formats: ['detection-rule'],
    description: 'whether imported detection rules start enabled',
  },
  {
    name: 'language',
    type: 'enum',
    values: ['auto', 'kuery', 'eql'],
    default: 'auto',
    formats: ['detection-rule'],
    description:
      'language of each detection rule: auto (KQL when exact, else EQL when its label is better), kuery or eql',
  },
];
