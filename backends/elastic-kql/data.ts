/** Lazy access to the backend's data files (ECS field types, pipelines). */
import { readAsset } from '../../src/assets.js';

export function readData<T>(name: string): T {
  return JSON.parse(readAsset('backends/elastic-kql/data/' + name)) as T;
}
