/** The backend's table schemas (data/tables.json, read through the shared backends/common/files.ts). */
import { backendData } from '../common/files.js';

/** Table name -> column name -> Kusto type (data/tables.json). */
export function tableSchemas(): Readonly<Record<string, Readonly<Record<string, string>>>> {
  return backendData('sentinel-kql', 'tables.json');
}
