/**
 * esbuild options shared by the browser builds of the core (scripts/build-web.mjs, and the test
 * test/web/core-bundle.test.ts): the shipped files the core reads through its host (src/host.ts)
 * bundled as `__SIGMANTIC_ASSETS__` (backend data tables, ATT&CK data, the package's name and
 * version), and the output-format templates precompiled as the CLI bundle has them
 * (`__SIGMANTIC_TEMPLATES__`, src/templates.ts), so the Handlebars runtime is enough.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** The shipped files by path from the package root (`root`, default the working directory). */
export function shippedAssets(root = '.') {
  const assets = {};
  const json = (rel) => JSON.stringify(JSON.parse(readFileSync(join(root, rel), 'utf8')));
  for (const dir of readdirSync(join(root, 'backends'))) {
    const data = join(root, 'backends', dir, 'data');
    if (!existsSync(data)) continue;
    for (const f of readdirSync(data)
      .filter((x) => x.endsWith('.json'))
      .sort())
      assets[`backends/${dir}/data/${f}`] = json(`backends/${dir}/data/${f}`);
  }
  assets['src/data/attack.json'] = json('src/data/attack.json');
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assets['package.json'] = JSON.stringify({ name, version });
  return assets;
}

/** The templates precompiled, keyed as src/templates.ts's templateKey. */
export function precompiledTemplates(root = '.') {
  const Handlebars = require('handlebars');
  const templates = {};
  for (const dir of readdirSync(join(root, 'templates')).sort())
    for (const f of readdirSync(join(root, 'templates', dir))
      .filter((x) => x.endsWith('.hbs'))
      .sort()) {
      const rel = `templates/${dir}/${f}`;
      for (const strict of [false, true])
        templates[`${rel}${strict ? ' (strict)' : ''}`] = Handlebars.precompile(
          readFileSync(join(root, rel), 'utf8'),
          { noEscape: true, strict },
        );
    }
  return templates;
}

/** esbuild options for the core in a browser (merge in entry points and output). */
export function browserCoreOptions(root = '.') {
  return {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    define: {
      // src/pipeline/postprocess.ts reaches nunjucks through createRequire(import.meta.url) only
      // outside a bundle; in a bundle esbuild's require serves it.
      'import.meta.url': '""',
      __SIGMANTIC_ASSETS__: JSON.stringify(shippedAssets(root)),
      __SIGMANTIC_TEMPLATES__: JSON.stringify(precompiledTemplates(root)),
    },
    alias: { handlebars: 'handlebars/runtime' },
    legalComments: 'none',
  };
}
