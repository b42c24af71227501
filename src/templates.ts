/**
 * The Handlebars templates of the output formats (templates/<backend>/*.hbs), compiled once per
 * environment. The bundle carries them precompiled (scripts/bundle.mjs defines
 * __SIGMANTIC_TEMPLATES__ and uses the Handlebars runtime without its compiler): a run neither
 * reads nor compiles templates, about 10 ms of a one-rule run. From the sources (tests) they are
 * read and compiled on first use.
 */
import Handlebars from 'handlebars';
import { readAsset } from './assets.js';

/** Precompiled templates by `templateKey`, in the bundle only. */
declare const __SIGMANTIC_TEMPLATES__: Readonly<Record<string, string>> | undefined;

/** The options every template is compiled with: output is text, never HTML (no escaping). */
export interface TemplateOptions {
  /** Handlebars `strict`: a missing field is an error instead of empty text. */
  readonly strict: boolean;
}

/** The key of a template file compiled with these options. */
export function templateKey(rel: string, o: TemplateOptions): string {
  return `${rel}${o.strict ? ' (strict)' : ''}`;
}

/** Handlebars compile options for the options. */
export function compileOptions(o: TemplateOptions): CompileOptions {
  return { noEscape: true, strict: o.strict };
}

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;
type Template = (context: unknown) => string;

const compiled = new WeakMap<object, Map<string, Template>>();

/** The template at `rel` (from the package root), for a Handlebars environment (its helpers). */
export function template(env: typeof Handlebars, rel: string, o: TemplateOptions): Template {
  let byKey = compiled.get(env);
  if (!byKey) compiled.set(env, (byKey = new Map()));
  const key = templateKey(rel, o);
  let t = byKey.get(key);
  if (!t) {
    const pre = typeof __SIGMANTIC_TEMPLATES__ === 'undefined' ? undefined : __SIGMANTIC_TEMPLATES__[key];
    t =
      pre === undefined
        ? env.compile(readAsset(rel), compileOptions(o))
        : // The bundle's own template code, made by Handlebars.precompile at build time.
          env.template(new Function(`return ${pre}`)() as TemplateSpecification);
    byKey.set(key, t);
  }
  return t;
}

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];
