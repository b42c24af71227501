#!/usr/bin/env node
/**
 * Writes the whole active corpus converted to every target and format (plus `--report` JSON and
 * stderr) into one folder, so that two builds can be compared byte for byte:
 *
 *   node scripts/corpus-snapshot.mjs /tmp/before            # with this checkout's build
 *   ... change, npm run build ...
 *   node scripts/corpus-snapshot.mjs /tmp/after
 *   node scripts/corpus-snapshot.mjs --diff /tmp/before /tmp/after
 *
 * Options: `--cli PATH` (default dist/bundle/cli.js), `--corpus DIR` (default ../shared/sigma-corpus).
 * `--diff A B` lists the files that differ and, per target, the rules whose label changed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

function labels(dir, file) {
  const p = join(dir, file);
  if (!existsSync(p)) return new Map();
  const report = JSON.parse(readFileSync(p, 'utf8'));
  return new Map(report.rules.map((r, i) => [`${r.path}#${r.id ?? i}`, r.status]));
}

if (args[0] === '--diff') {
  const [a, b] = args.slice(1);
  const files = [...new Set([...readdirSync(a), ...readdirSync(b)])].sort();
  let differ = 0;
  for (const f of files) {
    const x = existsSync(join(a, f)) ? readFileSync(join(a, f)) : null;
    const y = existsSync(join(b, f)) ? readFileSync(join(b, f)) : null;
    if (x && y && x.equals(y)) continue;
    differ++;
    console.log(`differs: ${f}${x ? '' : ' (only in B)'}${y ? '' : ' (only in A)'}`);
    if (f.endsWith('.report.json') && x && y) {
      const la = labels(a, f);
      const lb = labels(b, f);
      const moves = new Map();
      for (const [k, s] of la) {
        const t = lb.get(k) ?? 'absent';
        if (t !== s) moves.set(`${s} -> ${t}`, (moves.get(`${s} -> ${t}`) ?? 0) + 1);
      }
      for (const [k] of lb) if (!la.has(k)) moves.set('absent -> new', (moves.get('absent -> new') ?? 0) + 1);
      for (const [m, n] of [...moves].sort()) console.log(`  ${m}: ${n}`);
    }
  }
  console.log(differ ? `${differ} of ${files.length} files differ` : `all ${files.length} files identical`);
  process.exit(differ ? 1 : 0);
}

// Options first: they are taken out of args, and the folder is what is left.
const cli = resolve(option('--cli', 'dist/bundle/cli.js'));
const corpus = resolve(option('--corpus', join('..', 'shared', 'sigma-corpus')));
const out = resolve(args[0] ?? 'corpus-snapshot');
if (!existsSync(corpus)) {
  console.error(`no corpus at ${corpus}`);
  process.exit(2);
}
const inputs = readdirSync(corpus)
  .filter((d) => d.startsWith('rules'))
  .sort()
  .map((d) => join(corpus, d));
mkdirSync(out, { recursive: true });

const formats = execFileSync(process.execPath, [cli, 'list', 'formats'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((l) => l.split('\t'));
for (const [target, format] of formats) {
  const base = join(out, `${target}.${format}`);
  const r = spawnSync(
    process.execPath,
    [
      cli,
      'convert',
      '-t',
      target,
      '-f',
      format,
      '-o',
      `${base}.out`,
      '--report',
      `${base}.report.json`,
      ...inputs,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  writeFileSync(`${base}.stderr`, r.stderr.replaceAll(corpus, '<corpus>'));
  console.log(`${target} ${format}: exit ${r.status}`);
}
