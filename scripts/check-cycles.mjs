#!/usr/bin/env node
/**
 * No import circle (run by `npm run lint`, after ESLint's floor rules in eslint.config.js):
 * every relative import of the TypeScript and JavaScript files under the given folders (default
 * src, backends, test, scripts, bench), static, type-only, re-exports and literal dynamic
 * `import()` alike, as TypeScript's own pre-processor reads them. Prints each circle and exits 1.
 *
 *   node scripts/check-cycles.mjs [--root DIR] [FOLDER...]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const at = args.indexOf('--root');
const root = resolve(at >= 0 ? args.splice(at, 2)[1] : '.');
const folders = args.length > 0 ? args : ['src', 'backends', 'test', 'scripts', 'bench'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function files(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (SOURCE.test(name) && !/\.d\.[mc]?ts$/.test(name)) out.push(p);
  }
  return out;
}

/** The file a relative specifier names: `./x.js` is `./x.ts` when that is the source. */
function target(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), base + '.ts'];
  return candidates.find((c) => SOURCE.test(c) && existsSync(c) && statSync(c).isFile());
}

const graph = new Map();
for (const f of folders.flatMap((d) => files(join(root, d)))) {
  const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
  const edges = new Set();
  for (const { fileName } of info.importedFiles)
    if (fileName.startsWith('.')) {
      const t = target(f, fileName);
      if (t) edges.add(t);
    }
  graph.set(f, [...edges]);
}

// Tarjan's strongly connected components: each with more than one file (or a file importing
// itself) is a circle.
let index = 0;
const stack = [];
const meta = new Map();
const circles = [];
function connect(v) {
  const m = { index, low: index, onStack: true };
  index++;
  meta.set(v, m);
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    const n = meta.get(w);
    if (!n) {
      connect(w);
      m.low = Math.min(m.low, meta.get(w).low);
    } else if (n.onStack) m.low = Math.min(m.low, n.index);
  }
  if (m.low === m.index) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(scc);
  }
}
for (const v of [...graph.keys()].sort()) if (!meta.has(v)) connect(v);

/** One path around a circle, from its first file (sorted) back to it. */
function loop(scc) {
  const inside = new Set(scc);
  const start = [...scc].sort()[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (w === start) {
        const path = [start];
        for (let u = v; u !== null && u !== start; u = prev.get(u)) path.splice(1, 0, u);
        return [...path, start];
      }
      if (inside.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

if (circles.length > 0) {
  for (const scc of circles)
    console.error(
      `import circle: ${loop(scc)
        .map((f) => relative(root, f))
        .join(' -> ')}`,
    );
  console.error(`check-cycles: ${circles.length} import circle(s) among ${graph.size} files`);
  process.exit(1);
}
