/** The backend's table schemas (data/tables.json, read through the shared backends/common/files.ts). */
import { backendData } from '../common/files.js';

/** Table name -> column name -> Kusto type (data/tables.json). */
export function tableSchemas(): Readonly<Record<string, Readonly<Record<string, string>>>> {
  return (schemas ??= {
    ...backendData<Record<string, Record<string, string>>>('sentinel-kql', 'tables.json'),
    ...asimSchemas(),
  });
}
let schemas: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;

/** The ASIM unifying parsers' schemas (data/asim-schemas.json), queried like tables. */
export function asimSchemas(): Record<string, Record<string, string>> {
  const all = backendData<Record<string, Record<string, string> | string>>(
    'sentinel-kql',
    'asim-schemas.json',
  );
  const out: Record<string, Record<string, string>> = {};
  for (const [k, v] of Object.entries(all)) if (typeof v !== 'string') out[k] = v;
  return out;
}
