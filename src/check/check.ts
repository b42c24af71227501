/**
 * `sigmantic check`: lint Sigma rules against the specification (v2.1) and SigmaHQ conventions
 * without converting them. Every finding is a Diagnostic with a stable code, a severity and a
 * position: the loader's own (missing-attribute, invalid-attribute, unknown-attribute with its
 * near name, condition-syntax, undefined-identifier, ...) and the checks here (codes.ts).
 */
import { nameGlob, type NameGlob } from '../condition/glob.js';
import { readAsset } from '../assets.js';
import type { LoadedRule } from '../convert.js';
import type { Diagnostic, Position } from '../diagnostics.js';
import type { LogSource, SigmaRule } from '../rule/types.js';
import type { PosNode } from '../rule/yaml.js';
import { CHECK_CODES, type CheckCode } from './codes.js';

/** The ATT&CK data the formats use (src/data/attack.json), read here as data only. */
interface Attack {
  readonly attackVersion: string;
  readonly tactics: Record<string, unknown>;
  readonly aliases: Record<string, string>;
  readonly techniques: Record<string, unknown>;
}
let attack: Attack | undefined;
const attackData = (): Attack => (attack ??= JSON.parse(readAsset('src/data/attack.json')) as Attack);

/**
 * Tag namespaces of the Sigma tags appendix (sigma-specification appendix/sigma-tags-appendix.md:
 * attack, car, cve, d3fend, detection, stp, tlp).
 */
const NAMESPACES = new Set(['attack', 'car', 'cve', 'd3fend', 'detection', 'stp', 'tlp']);
const RECOMMENDED = ['id', 'status', 'description', 'author', 'date', 'level'] as const;

/** Says whether a target maps a log source (null: the target maps none by design). */
export type LogsourceCheck = (ls: LogSource) => string | null;

export interface CheckOptions {
  /** Per chosen target: a message when its pipelines do not map the log source, else null. */
  readonly logsources?: ReadonlyArray<{ target: string; check: LogsourceCheck }>;
  /** Codes not to report. */
  readonly disable?: ReadonlySet<string>;
}

function finding(code: CheckCode, file: string, pos: Position, message: string): Diagnostic {
  return { severity: CHECK_CODES[code][0], code, message, file, line: pos.line, column: pos.column };
}

/** The checks of one loaded rule (its loader diagnostics included). */
export function checkRule(loaded: LoadedRule, options: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [...loaded.diagnostics];
  const rule = loaded.rule;
  if (!rule) return out;
  const file = loaded.path;
  const root = rule.positions;
  const keyPos = (k: string): Position => root.keys?.get(k)?.key ?? rule.pos;
  const valuePos = (k: string): PosNode | undefined => root.keys?.get(k)?.value;

  for (const k of RECOMMENDED)
    if (rule[k] === undefined && rule.type === 'rule')
      out.push(finding('missing-recommended', file, rule.pos, `'${k}' is missing (SigmaHQ rules carry it)`));
  if (rule.date && rule.modified && /^\d{4}-\d{2}-\d{2}$/.test(rule.date) && rule.modified < rule.date)
    out.push(
      finding(
        'modified-before-date',
        file,
        valuePos('modified')?.pos ?? keyPos('modified'),
        `'modified' ${rule.modified} is earlier than 'date' ${rule.date}`,
      ),
    );

  checkTags(rule, file, out);
  if (rule.type === 'rule') {
    checkDetection(rule, file, out);
    for (const { target, check } of options.logsources ?? []) {
      const why = check(rule.logsource);
      if (why !== null)
        out.push(finding('unknown-logsource', file, keyPos('logsource'), `${target}: ${why}`));
    }
  }
  return out;
}

function checkTags(rule: SigmaRule, file: string, out: Diagnostic[]): void {
  const items = rule.positions.keys?.get('tags')?.value.items ?? [];
  const a = attackData();
  rule.tags.forEach((tag, i) => {
    const pos = items[i]?.pos ?? rule.pos;
    const dot = tag.indexOf('.');
    if (dot <= 0 || !/^[a-z0-9_-]+\.[a-z0-9._-]+$/.test(tag)) {
      out.push(finding('invalid-tag', file, pos, `tag '${tag}' is not namespace.name in lower case`));
      if (dot <= 0) return;
    }
    const ns = tag.slice(0, dot).toLowerCase();
    const name = tag.slice(dot + 1).toLowerCase();
    if (!NAMESPACES.has(ns)) {
      out.push(
        finding(
          'tag-namespace',
          file,
          pos,
          `tag namespace '${ns}' is not one of ${[...NAMESPACES].join(', ')}`,
        ),
      );
      return;
    }
    if (ns !== 'attack') return;
    const tactic = name.replace(/_/g, '-');
    if (Object.hasOwn(a.tactics, tactic) || Object.hasOwn(a.aliases, tactic)) return;
    const m = /^t(\d{4})(?:\.(\d{3}))?$/.exec(name);
    if (m) {
      const id = 'T' + m[1] + (m[2] ? '.' + m[2] : '');
      if (Object.hasOwn(a.techniques, id)) return;
    } else if (/^[gs]\d{4}$/.test(name)) return; // groups and software: ids the data does not list
    out.push(
      finding(
        'unknown-attack-tag',
        file,
        pos,
        `'${tag}' is not a tactic or technique of MITRE ATT&CK Enterprise ${a.attackVersion}`,
      ),
    );
  });
}

/** Identifiers a condition names or patterns: words, `x*` patterns, `them`. */
function conditionUses(conditions: readonly string[]): {
  names: Set<string>;
  patterns: NameGlob[];
  them: boolean;
} {
  const names = new Set<string>();
  const patterns: NameGlob[] = [];
  let them = false;
  for (const c of conditions)
    for (const w of c.match(/[^\s()|]+/g) ?? []) {
      const lw = w.toLowerCase();
      if (['and', 'or', 'not', 'of', 'all', '1', 'any'].includes(lw)) continue;
      if (lw === 'them') them = true;
      else if (w.includes('*')) patterns.push(nameGlob(w));
      else names.add(w);
    }
  return { names, patterns, them };
}

function checkDetection(rule: SigmaRule, file: string, out: Diagnostic[]): void {
  const det = rule.detection;
  const detPos = rule.positions.keys?.get('detection')?.value;
  const cond = det.condition;
  const conditions =
    typeof cond === 'string'
      ? [cond]
      : Array.isArray(cond)
        ? cond.filter((c): c is string => typeof c === 'string')
        : [];
  const uses = conditionUses(conditions);
  for (const [name, value] of Object.entries(det)) {
    if (name === 'condition' || name === 'timeframe') continue;
    const entry = detPos?.keys?.get(name);
    const pos = entry?.key ?? rule.pos;
    const used =
      uses.names.has(name) ||
      uses.patterns.some((p) => p.test(name)) ||
      // `them` leaves out identifiers that start with `_` (README "Reading rules").
      (uses.them && !name.startsWith('_'));
    if (!used) out.push(finding('unused-identifier', file, pos, `'${name}' is not used by the condition`));
    const maps = Array.isArray(value) ? value : [value];
    const mapPos = Array.isArray(value) ? (entry?.value.items ?? []) : [entry?.value];
    maps.forEach((m, i) => {
      if (m === null || typeof m !== 'object' || Array.isArray(m)) return;
      for (const [key, v] of Object.entries(m as Record<string, unknown>)) {
        const kv = mapPos[i]?.keys?.get(key);
        const at = kv?.key ?? pos;
        if (Array.isArray(v)) {
          v.forEach((x, j) => {
            if (x === null && v.length > 1)
              out.push(
                finding(
                  'null-in-list',
                  file,
                  kv?.value.items?.[j]?.pos ?? at,
                  `'${key}': null inside a value list; test null in a selection of its own`,
                ),
              );
          });
        }
        const single = !Array.isArray(v) || v.length === 1;
        if (key.split('|').slice(1).includes('all') && single)
          out.push(finding('all-single-value', file, at, `'${key}': '|all' on a single value has no effect`));
      }
    });
  }
}

/** What identifies a rule for references: its id and its name. */
interface Known {
  readonly file: string;
  readonly pos: Position;
}

/**
 * What the checks across the input need of one document (acrossEntry): a few fields, so that a
 * run over many files keeps these, not every document's tree, positions and IR, until the end.
 */
export interface AcrossEntry {
  readonly path: string;
  readonly id?: string;
  readonly idPos: Position;
  readonly name?: string;
  /** Rules named by a correlation or filter (`rules`), with their positions. */
  readonly refs: ReadonlyArray<{ readonly ref: string; readonly pos: Position }>;
  readonly type: SigmaRule['type'];
}

/** The part of a loaded document the checks across the input read (undefined: it did not load). */
export function acrossEntry(l: LoadedRule): AcrossEntry | undefined {
  const r = l.rule;
  if (!r) return undefined;
  const refs: Array<{ ref: string; pos: Position }> = [];
  if (r.type !== 'rule') {
    // Correlation and filter references. HOOK (#15, fix/corr-core): once correlation rules load
    // into src/ir/correlation.ts, resolve them through that loader; until then the raw `rules`
    // lists the loader keeps (custom.correlation / custom.filter) are read here.
    const section = r.custom[r.type] as { rules?: unknown } | undefined;
    const list = section && typeof section === 'object' ? section.rules : undefined;
    const items = r.positions.keys?.get(r.type)?.value.keys?.get('rules')?.value;
    const found = typeof list === 'string' ? [list] : Array.isArray(list) ? list : [];
    found.forEach((ref, i) => {
      if (typeof ref === 'string') refs.push({ ref, pos: items?.items?.[i]?.pos ?? items?.pos ?? r.pos });
    });
  }
  return {
    path: l.path,
    id: r.id,
    idPos: r.positions.keys?.get('id')?.value.pos ?? r.pos,
    name: r.name,
    refs,
    type: r.type,
  };
}

/**
 * Checks across the whole input: duplicate ids, and the `rules` a correlation or filter names
 * (by id or name) that no rule of the input has.
 */
export function checkAcross(rules: readonly LoadedRule[]): Diagnostic[] {
  return checkAcrossEntries(rules.map(acrossEntry));
}

/** checkAcross on the entries acrossEntry made (undefined for a document that did not load). */
export function checkAcrossEntries(entries: ReadonlyArray<AcrossEntry | undefined>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = new Map<string, Known>();
  const names = new Set<string>();
  for (const e of entries) {
    if (!e) continue;
    if (e.name) names.add(e.name);
    if (!e.id) continue;
    const first = ids.get(e.id.toLowerCase());
    if (first)
      out.push(
        finding(
          'duplicate-id',
          e.path,
          e.idPos,
          `id ${e.id} is also the id of ${first.file}:${first.pos.line}`,
        ),
      );
    else ids.set(e.id.toLowerCase(), { file: e.path, pos: e.idPos });
  }
  for (const e of entries) {
    if (!e || e.type === 'rule') continue;
    for (const { ref, pos } of e.refs) {
      if (ids.has(ref.toLowerCase()) || names.has(ref)) continue;
      out.push(
        finding(
          'unresolved-reference',
          e.path,
          pos,
          `${e.type} rule '${ref}' is not in the input (by id or name)`,
        ),
      );
    }
  }
  return out;
}
