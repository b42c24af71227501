/**
 * The findings of `sigmantic check` beyond the loader's own diagnostics (src/diagnostics.ts
 * CODES): a stable code, its severity and what it means. SARIF's rule metadata and docs/check.md
 * list them from here.
 */
import type { Severity } from '../diagnostics.js';

export const CHECK_CODES = {
  'duplicate-id': ['error', 'two rules of the input have the same id (an import keeps one, or fails)'],
  'null-in-list': [
    'warning',
    'null inside a value list: write the null test as a selection of its own (SigmaHQ convention)',
  ],
  'all-single-value': ['warning', "'|all' on a single value has no effect"],
  'unknown-attack-tag': ['warning', 'an attack.* tag names no tactic or technique of the ATT&CK data'],
  'tag-namespace': ['warning', 'a tag outside the namespaces of the Sigma tags appendix'],
  'invalid-tag': ['warning', 'a tag is not namespace.name in lower case (Sigma tags appendix)'],
  'missing-recommended': [
    'warning',
    'an attribute SigmaHQ rules carry is missing (id, status, description, author, date, level)',
  ],
  'modified-before-date': ['warning', "'modified' is earlier than 'date'"],
  'unused-identifier': ['warning', 'a detection identifier the condition never uses'],
  'unknown-logsource': ['warning', 'no built-in pipeline of a chosen target maps the log source'],
  'unresolved-reference': ['error', 'a correlation or filter names a rule that is not in the input'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type CheckCode = keyof typeof CHECK_CODES;
