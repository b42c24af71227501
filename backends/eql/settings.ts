/** The EQL target's settings (`--set`; `sigmantic list settings -t eql`). */
import type { SettingDecl } from '../../src/backend.js';

export const SETTINGS: readonly SettingDecl[] = [
  {
    name: 'category',
    type: 'enum',
    values: ['log-source', 'any'],
    default: 'log-source',
    description:
      "event category: log-source (the pipeline's event.category test becomes `process where`) or any (`any where`, event.category kept as a test: for an EQL search whose event_category_field is another field)",
  },
];
