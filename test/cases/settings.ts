/** Settings each backend gets when converting the cases (no pipelines). */
import type { BackendName } from './cases.js';

export const CASE_SETTINGS: Readonly<Record<BackendName, Readonly<Record<string, string>>>> = {
  splunk: {},
  // Kusto needs a table; the cases use a declared test table (see test/support/kusto.ts usage).
  sentinel: { table: 'SigmaEvents' },
  elastic: {},
  eql: {},
};
