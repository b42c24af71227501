// Times read + parse + build of the whole active Sigma corpus, in-process, through dist/
// (run `npm run build` first). With JS_YAML5=<path to a js-yaml 5 install>, also compares
// js-yaml 4 (installed) with js-yaml 5 on parsing the same files (parse only, default schema).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { loadRuleFromText } from '../dist/src/convert.js';
import yaml4 from 'js-yaml';

const CORPUS = new URL('../../shared/sigma-corpus', import.meta.url).pathname;
const walk = (dir, out = []) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
};
const files = readdirSync(CORPUS)
  .filter((d) => d.startsWith('rules'))
  .flatMap((d) => walk(join(CORPUS, d)));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = (fn, runs = 7) => {
  fn(); // warm-up
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return median(t);
};

let withIr = 0;
const loadBuild = time(() => {
  withIr = 0;
  for (const f of files) if (loadRuleFromText(readFileSync(f, 'utf8'), f).ir) withIr++;
});
console.log(
  `read+parse+build: ${files.length} rules (${withIr} with IR) in ${loadBuild.toFixed(0)} ms (median of 7, warm)`,
);

const texts = files.map((f) => readFileSync(f, 'utf8'));
const parse4 = time(() => texts.forEach((t) => yaml4.load(t)));
console.log(
  `js-yaml ${createRequire(import.meta.url)('js-yaml/package.json').version} parse only: ${parse4.toFixed(0)} ms`,
);
if (process.env.JS_YAML5) {
  const req = createRequire(join(process.env.JS_YAML5, 'package.json'));
  const yaml5 = req('js-yaml');
  const v5 = req('js-yaml/package.json').version;
  const parse5 = time(() => texts.forEach((t) => yaml5.load(t)));
  console.log(`js-yaml ${v5} parse only: ${parse5.toFixed(0)} ms`);
}
