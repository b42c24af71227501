/**
 * Loads a Sigma rule file into a typed SigmaRule. Never throws: problems become diagnostics.
 */
import { DiagnosticSink, type Code, type Position } from '../diagnostics.js';
import type { LogSource, RelatedRule, RuleType, SigmaRule } from './types.js';
import {
  expandedSize,
  tooDeep,
  parseYamlDocuments,
  YamlError,
  YamlNumber,
  type PosNode,
  type YamlDocument,
} from './yaml.js';

export const LIMITS = {
  /** Largest rule file read, in bytes (the largest SigmaHQ rule is about 200 KB). */
  fileSize: 4 * 1024 * 1024,
  /** Largest document size with aliases expanded, in nodes. */
  expandedNodes: 200_000,
};

/**
 * Every top-level key of a Sigma document (rule, correlation or filter); in this order, as the
 * first of equally near names is the one a typo's warning suggests.
 */
export const RULE_KEYS: ReadonlySet<string> = new Set([
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'correlation',
  'filter',
  'generate',
]);
/**
 * Custom attributes of the SigmaHQ repository's own conventions (its rules' regression tests and
 * simulations, e.g. rules/windows/process_creation/*.yml): custom, but not typos.
 */
const CONVENTIONAL = new Set(['regression_tests_path', 'simulation']);

/** Edit distance (Levenshtein) of two short strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The known name nearest to `name` when it is near enough to be a typo of it (first of ties). */
export function nearest(name: string, known: ReadonlySet<string>): string | undefined {
  const lower = name.toLowerCase();
  const max = lower.length <= 4 ? 1 : lower.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = max + 1;
  for (const k of known) {
    const d = distance(lower, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

const LOGSOURCE_KEYS = new Set(['category', 'product', 'service', 'definition']);
const STATUS = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const RELATED_TYPES = new Set(['derived', 'obsolete', 'merged', 'renamed', 'similar']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Where a problem of the whole file is reported. */
const FILE_START: Position = { line: 1, column: 1 };

const LEGACY_ACTION = /^action:\s*(?:global|reset|repeat)\b/m;

/** The line of a legacy `action:` line. */
function actionAt(text: string): Position {
  const m = LEGACY_ACTION.exec(text);
  if (m === null) return FILE_START;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: 1 };
}

const MULTI_DOCUMENT =
  'legacy multi-document rule (action: global/reset/repeat) is not supported: split it into one rule per file';

export interface LoadResult {
  readonly rule?: SigmaRule;
  readonly diagnostics: DiagnosticSink;
}

/**
 * Loads a rule from its text. `path` is used for diagnostics only. A file of several YAML
 * documents (a rule collection) gives its first document here: see loadRuleDocuments.
 */
export function loadRuleText(text: string, path: string): LoadResult {
  return loadRuleDocuments(text, path)[0];
}

/**
 * Loads every document of a rule file, in file order: a file of one rule gives one result, a
 * collection (documents separated by `---`) one per non-empty document, each with its own
 * diagnostics and positions (lines of the whole file). A problem of the whole file (size, YAML
 * syntax, a legacy `action:` collection) gives one result without a rule.
 */
export function loadRuleDocuments(text: string, path: string): LoadResult[] {
  const fail = (code: Code, message: string, pos: Position): LoadResult[] => {
    const sink = new DiagnosticSink(path);
    sink.error(code, message, pos);
    return [{ diagnostics: sink }];
  };
  if (text.length > LIMITS.fileSize)
    return fail(
      'file-too-large',
      `file is ${text.length} bytes; the limit is ${LIMITS.fileSize}`,
      FILE_START,
    );
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Legacy collections (action: global/reset/repeat) merge documents into each other: refused.
  if (LEGACY_ACTION.test(text)) return fail('multi-document', MULTI_DOCUMENT, actionAt(text));
  let docs: YamlDocument[];
  try {
    docs = parseYamlDocuments(text);
  } catch (e) {
    if (e instanceof YamlError) return fail('yaml-syntax', e.message, e.pos);
    return fail('yaml-syntax', e instanceof Error ? e.message : String(e), FILE_START);
  }
  // Empty documents (a trailing `---`, a comment between two `---`) hold no rule.
  const rules = docs.length > 1 ? docs.filter((d) => d.value !== null) : docs;
  if (rules.length === 0)
    return loadDocument(docs[0] ?? { value: null, root: { pos: FILE_START } }, text, path);
  return rules.flatMap((d) => loadDocument(d, text, path));
}

function loadDocument(doc: YamlDocument, text: string, path: string): LoadResult[] {
  const sink = new DiagnosticSink(path);
  // Only aliases can make a small document expand: without an anchor there is nothing to count.
  const size = text.includes('&')
    ? expandedSize(doc.value, LIMITS.expandedNodes)
    : tooDeep(doc.value, 64)
      ? Infinity
      : 0;
  if (size > LIMITS.expandedNodes) {
    sink.error(
      'yaml-too-complex',
      `the document expands to more than ${LIMITS.expandedNodes} nodes or nests too deeply (alias bomb?)`,
      doc.root.pos.line === 1 ? FILE_START : { line: doc.root.pos.line, column: 1 },
    );
    return [{ diagnostics: sink }];
  }
  const v = doc.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof YamlNumber) {
    sink.error('not-a-rule', 'a Sigma rule must be a YAML mapping', doc.root.pos);
    return [{ diagnostics: sink }];
  }
  return [{ rule: typeCheck(v as Record<string, unknown>, doc.root, path, sink), diagnostics: sink }];
}

function typeCheck(
  raw: Record<string, unknown>,
  root: PosNode,
  path: string,
  sink: DiagnosticSink,
): SigmaRule | undefined {
  const at = (key: string): Position => root.keys?.get(key)?.value.pos ?? root.pos;
  const keyAt = (key: string): Position => root.keys?.get(key)?.key ?? root.pos;
  const str = (key: string, required = false): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) {
      if (required) sink.error('missing-attribute', `'${key}' is required`, root.pos);
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (v instanceof YamlNumber) return v.text;
    sink.error('invalid-attribute', `'${key}' must be a string`, at(key));
    return undefined;
  };
  const strList = (key: string): string[] => {
    const v = raw[key];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) {
      const out: string[] = [];
      v.forEach((x, i) => {
        if (typeof x === 'string') out.push(x);
        else if (x instanceof YamlNumber) out.push(x.text);
        else if (x !== null)
          sink.error('invalid-attribute', `'${key}' item ${i + 1} must be a string`, at(key));
      });
      return out;
    }
    sink.error('invalid-attribute', `'${key}' must be a list of strings`, at(key));
    return [];
  };

  let type: RuleType = 'rule';
  if ('correlation' in raw) type = 'correlation';
  else if ('filter' in raw) type = 'filter';

  const title = str('title', true) ?? '';
  if (title.length > 256)
    sink.warning('invalid-attribute', "'title' is longer than 256 characters", at('title'));
  const id = str('id');
  if (id !== undefined && !UUID.test(id))
    sink.error('invalid-attribute', `'id' must be a UUID, not '${id}'`, at('id'));
  const status = str('status');
  if (status !== undefined && !STATUS.has(status))
    sink.error('invalid-attribute', `'status' must be one of ${[...STATUS].join(', ')}`, at('status'));
  const level = str('level');
  if (level !== undefined && !LEVELS.has(level))
    sink.error('invalid-attribute', `'level' must be one of ${[...LEVELS].join(', ')}`, at('level'));
  for (const key of ['date', 'modified']) {
    const d = str(key);
    if (d !== undefined && !DATE.test(d))
      sink.warning('invalid-attribute', `'${key}' should be YYYY-MM-DD, not '${d}'`, at(key));
  }

  const related: RelatedRule[] = [];
  if (raw.related !== undefined && raw.related !== null) {
    if (!Array.isArray(raw.related))
      sink.error('invalid-attribute', "'related' must be a list", at('related'));
    else
      for (const r of raw.related) {
        const rr = r as Record<string, unknown>;
        if (r === null || typeof r !== 'object' || typeof rr.id !== 'string' || typeof rr.type !== 'string') {
          sink.error('invalid-attribute', "'related' items need an 'id' and a 'type'", at('related'));
          continue;
        }
        if (!RELATED_TYPES.has(rr.type))
          sink.warning(
            'invalid-attribute',
            `related type '${rr.type}' is not one of ${[...RELATED_TYPES].join(', ')}`,
            at('related'),
          );
        related.push({ id: rr.id, type: rr.type });
      }
  }

  let logsource: LogSource = {};
  const ls = raw.logsource;
  if (ls !== undefined && ls !== null) {
    if (typeof ls !== 'object' || Array.isArray(ls))
      sink.error('invalid-attribute', "'logsource' must be a mapping", at('logsource'));
    else {
      const l = ls as Record<string, unknown>;
      const pick = (k: string): string | undefined => {
        const x = l[k];
        if (x === undefined || x === null) return undefined;
        if (typeof x === 'string') return x;
        if (x instanceof YamlNumber) return x.text;
        sink.error('invalid-attribute', `'logsource.${k}' must be a string`, at('logsource'));
        return undefined;
      };
      // A misspelt key (`prodcut`) would silently drop that part of the log source.
      const lsPos = root.keys?.get('logsource')?.value;
      for (const k of Object.keys(l))
        if (!LOGSOURCE_KEYS.has(k)) {
          const near = nearest(k, LOGSOURCE_KEYS);
          sink.warning(
            'unknown-attribute',
            `unknown logsource attribute '${k}'${near ? ` (did you mean '${near}'?)` : ''}; ignored`,
            lsPos?.keys?.get(k)?.key ?? at('logsource'),
          );
        }
      logsource = {
        product: pick('product'),
        category: pick('category'),
        service: pick('service'),
        definition: pick('definition'),
      };
    }
  } else if (type === 'rule') sink.error('missing-attribute', "'logsource' is required", root.pos);

  let detection: Record<string, unknown> = {};
  const det = raw.detection;
  if (type === 'rule') {
    if (det === undefined || det === null)
      sink.error('missing-attribute', "'detection' is required", root.pos);
    else if (typeof det !== 'object' || Array.isArray(det) || det instanceof YamlNumber)
      sink.error('invalid-detection', "'detection' must be a mapping", at('detection'));
    else {
      detection = det as Record<string, unknown>;
      if (!('condition' in detection))
        sink.error('missing-attribute', "'detection' needs a 'condition'", keyAt('detection'));
    }
  }

  const custom: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) {
    if (RULE_KEYS.has(k)) continue;
    custom[k] = raw[k];
    // Custom attributes are allowed (spec: "arbitrary custom fields"), so this is a warning that
    // changes nothing, for the typo that silently drops a field (`referances`, `falsepositive`).
    if (!CONVENTIONAL.has(k)) {
      const near = nearest(k, RULE_KEYS);
      sink.warning(
        'unknown-attribute',
        `unknown attribute '${k}'${near ? ` (did you mean '${near}'?)` : ''}; kept as a custom attribute`,
        keyAt(k),
      );
    }
  }
  if (type === 'correlation') custom.correlation = raw.correlation;
  if (type === 'filter') custom.filter = raw.filter;

  if (sink.hasErrors) return undefined;
  return {
    path,
    type,
    title,
    id,
    name: str('name'),
    related,
    taxonomy: str('taxonomy'),
    status,
    description: str('description'),
    license: str('license'),
    author: str('author'),
    references: strList('references'),
    date: str('date'),
    modified: str('modified'),
    logsource,
    detection,
    fields: strList('fields'),
    falsepositives: strList('falsepositives'),
    level,
    tags: strList('tags'),
    scope: strList('scope'),
    custom,
    positions: root,
    pos: keyAt('title'),
  };
}
