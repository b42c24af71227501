/**
 * A backend's shipped files, found one way from the sources, `dist/` and the bundle
 * (src/assets.ts): its data files (`backends/<dir>/data/*.json`, parsed once per process) and its
 * output-format templates (`templates/<dir>/<name>.hbs`, compiled once; precompiled in the bundle).
 */
import type HandlebarsEnv from 'handlebars';
import { readAsset } from '../../src/assets.js';
import { template, type TemplateOptions } from '../../src/templates.js';

const parsed = new Map<string, unknown>();

/** A JSON file shipped with the package (`rel` from the package root), read and parsed once. */
export function packageJson<T>(rel: string): T {
  if (!parsed.has(rel)) parsed.set(rel, JSON.parse(readAsset(rel)) as unknown);
  return parsed.get(rel) as T;
}

/** The JSON data file `backends/<dir>/data/<name>` (e.g. `backendData('splunk', 'windows.json')`). */
export function backendData<T>(dir: string, name: string): T {
  return packageJson<T>(`backends/${dir}/data/${name}`);
}

export type Template = (context: unknown) => string;

/**
 * The templates of a backend's output formats: `templates/<dir>/<name>.hbs`, compiled with the
 * helpers of `env` (a `Handlebars.create()` environment, or Handlebars itself) and `options`.
 */
export function formatTemplates(
  env: typeof HandlebarsEnv,
  dir: string,
  options: TemplateOptions,
): (name: string) => Template {
  return (name) => template(env, `templates/${dir}/${name}.hbs`, options);
}
