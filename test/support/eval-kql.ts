/**
 * A KQL (Kibana Query Language) interpreter for tests: parses with Kibana's own grammar
 * (`@cybernetex/kbn-es-query`, Kibana 7.x `kuery.peg`; see kql.ts and `for7x`) and evaluates the
 * AST against ONE document with Elasticsearch semantics per field type. It throws an Error naming
 * the construct on anything it does not model, never silently returns false.
 *
 * What Kibana sends and what Elasticsearch does with it (Kibana 7.x `kuery/functions/is.js`,
 * `range.js`, `exists.js`; the Elasticsearch reference, "Query DSL" and field type pages):
 * - `f: v` (unquoted, no wildcard) is a `match` query, `f: "v"` a `match_phrase`, `f: a*b` a
 *   `query_string` on that field, `f: *` an `exists` query, `f >= n` a `range` query.
 * - keyword (and constant_keyword, wildcard, flattened): a term is the whole value, compared
 *   exactly, case-sensitively ("the value must be an exact match, including punctuation and case",
 *   Kibana guide, KQL). `*` matches any run of characters (the only wildcard: `?` is not one in
 *   KQL). A wildcard value with whitespace goes through `query_string`, which splits at
 *   whitespace (Kibana #23001): not modelled, throws. Numbers and booleans in a document are
 *   indexed as their text ("42", "true").
 * - text (and match_only_text): the standard analyzer (Elasticsearch reference, "Standard
 *   analyzer": Unicode text segmentation UAX #29, lowercase). SIMPLIFICATION: a token is a run
 *   of letters, digits and `_`, where `.`, `:` and `'` between two such characters stay inside
 *   the token (UAX #29 MidLetter/MidNum, e.g. `cmd.exe`, `10.0.0.1` are one token); every other
 *   character separates tokens. A phrase matches where its token sequence occurs in the value's
 *   tokens; an unquoted value matches when any of its tokens occurs (`match`, operator OR).
 *   Wildcards on text fields are not modelled (throws).
 * - ip: the value is parsed as an address; a query value is an address or a CIDR
 *   (Elasticsearch reference, "IP field type": term queries accept CIDR notation). Wildcards on
 *   ip fields are an Elasticsearch error (throws).
 * - numeric (long, integer, short, byte, double, float, half_float, scaled_float, unsigned_long):
 *   equal as numbers; a non-numeric query value is an Elasticsearch error (throws).
 * - boolean: `true`/`false` (the document may hold the boolean or the text "true"/"false", which
 *   Elasticsearch accepts at index time, "Boolean field type"); other query values throw.
 * - range on keyword compares as text (lexicographic), on numeric fields as numbers.
 * - `f: *` (exists): the field has a non-null value (Elasticsearch does not index null; the empty
 *   string is indexed for keyword fields).
 * A document is a flat record: field name -> string | number | boolean | null (an array is any of
 * its elements); an absent key is a missing field.
 */
import { fromKueryExpression } from '@cybernetex/kbn-es-query';
import ipaddr from 'ipaddr.js';
import { for7x, WILDCARD_SYMBOL, type KueryNode } from './kql.js';

type Kind = 'keyword' | 'text' | 'ip' | 'numeric' | 'boolean';

const KINDS: Readonly<Record<string, Kind>> = {
  keyword: 'keyword',
  constant_keyword: 'keyword',
  wildcard: 'keyword',
  flattened: 'keyword',
  text: 'text',
  match_only_text: 'text',
  ip: 'ip',
  long: 'numeric',
  integer: 'numeric',
  short: 'numeric',
  byte: 'numeric',
  double: 'numeric',
  float: 'numeric',
  half_float: 'numeric',
  scaled_float: 'numeric',
  unsigned_long: 'numeric',
  boolean: 'boolean',
};

/** The last query parsed (the semantic checks evaluate one query on hundreds of documents). */
let lastParsed: { readonly query: string; readonly ast: KueryNode } | undefined;

export function evalKql(
  query: string,
  doc: Record<string, unknown>,
  fieldTypes?: Record<string, string>,
): boolean {
  if (lastParsed?.query !== query)
    lastParsed = { query, ast: fromKueryExpression(for7x(query)) as KueryNode };
  const ast = lastParsed.ast;
  const kindOf = (field: string): Kind => {
    const t = fieldTypes && Object.hasOwn(fieldTypes, field) ? fieldTypes[field] : 'keyword';
    const k = Object.hasOwn(KINDS, t) ? KINDS[t] : undefined;
    if (!k) throw new Error(`evalKql: field type '${t}' of '${field}' is not modelled`);
    return k;
  };
  return evalNode(ast, doc, kindOf);
}

function valuesOf(doc: Record<string, unknown>, field: string): unknown[] {
  if (!Object.hasOwn(doc, field)) return [];
  const v = doc[field];
  const list = Array.isArray(v) ? v : [v];
  return list.filter((x) => x !== null && x !== undefined);
}

function fieldOf(n: KueryNode | undefined): string {
  if (!n || n.type !== 'literal' || n.value === null)
    throw new Error(
      `evalKql: ${n?.type === 'wildcard' ? 'a wildcard field name' : 'a field-less term'} is not modelled`,
    );
  return String(n.value);
}

function evalNode(n: KueryNode, doc: Record<string, unknown>, kindOf: (f: string) => Kind): boolean {
  const args = n.arguments ?? [];
  if (n.type !== 'function') throw new Error(`evalKql: node type '${n.type}' is not modelled`);
  switch (n.function) {
    case 'and':
      return args.every((a) => evalNode(a, doc, kindOf));
    case 'or':
      return args.some((a) => evalNode(a, doc, kindOf));
    case 'not':
      return !evalNode(args[0], doc, kindOf);
    case 'range': {
      const field = fieldOf(args[0]);
      const named = args[1];
      const bound = (named.value as KueryNode).value;
      const op = named.name;
      const kind = kindOf(field);
      const cmp = (a: number | string, b: number | string): boolean =>
        op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : op === 'lte' ? a <= b : bad();
      const bad = (): never => {
        throw new Error(`evalKql: range operator '${op}' is not modelled`);
      };
      if (kind === 'numeric') {
        const b = Number(bound);
        if (!Number.isFinite(b))
          throw new Error(`evalKql: range bound '${String(bound)}' on numeric '${field}'`);
        return valuesOf(doc, field).some((v) => {
          const x = Number(v);
          return Number.isFinite(x) && cmp(x, b);
        });
      }
      if (kind === 'keyword') return valuesOf(doc, field).some((v) => cmp(String(v), String(bound)));
      throw new Error(`evalKql: a range on a ${kind} field ('${field}') is not modelled`);
    }
    case 'is': {
      const [f, v, phraseNode] = args;
      if (f && f.type === 'literal' && f.value === null)
        return fieldLess(v, phraseNode?.value === true, doc, kindOf);
      const field = fieldOf(f);
      const phrase = phraseNode?.value === true;
      const kind = kindOf(field);
      const values = valuesOf(doc, field);
      if (v.type === 'wildcard') {
        const segs = String(v.value).split(WILDCARD_SYMBOL);
        // `f: *`: an exists query.
        if (segs.every((s) => s === '')) return values.length > 0;
        if (kind !== 'keyword')
          throw new Error(`evalKql: a wildcard value on a ${kind} field ('${field}') is not modelled`);
        if (segs.some((s) => /\s/.test(s)))
          throw new Error(`evalKql: whitespace in a wildcard value (query_string splits it, Kibana #23001)`);
        const re = new RegExp(
          '^' + segs.map((s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')).join('[\\s\\S]*') + '$',
          'u',
        );
        return values.some((x) => re.test(String(x)));
      }
      if (v.type !== 'literal') throw new Error(`evalKql: value node '${v.type}' is not modelled`);
      const want = v.value;
      if (want === null) throw new Error(`evalKql: a null value ('${field}: null') is not modelled`);
      switch (kind) {
        case 'keyword':
          return values.some((x) => String(x) === String(want));
        case 'text': {
          const q = tokens(String(want));
          if (q.length === 0) return false;
          return values.some((x) => {
            const d = tokens(String(x));
            if (!phrase) return q.some((t) => d.includes(t));
            for (let i = 0; i + q.length <= d.length; i++) if (q.every((t, j) => d[i + j] === t)) return true;
            return false;
          });
        }
        case 'ip': {
          const text = String(want);
          let test: (a: ipaddr.IPv4 | ipaddr.IPv6) => boolean;
          if (text.includes('/')) {
            const [net, bits] = ipaddr.parseCIDR(text);
            test = (a) => a.kind() === net.kind() && a.match(net, bits);
          } else {
            if (!ipaddr.isValid(text)) throw new Error(`evalKql: '${text}' is not an ip ('${field}')`);
            const want = norm(ipaddr.parse(text));
            test = (a) => a.kind() === want.kind() && a.toNormalizedString() === want.toNormalizedString();
          }
          return values.some((x) => ipaddr.isValid(String(x)) && test(norm(ipaddr.parse(String(x)))));
        }
        case 'numeric': {
          const w = typeof want === 'number' ? want : Number(want);
          if (typeof want === 'boolean' || !Number.isFinite(w))
            throw new Error(
              `evalKql: '${String(want)}' on numeric field '${field}' is an Elasticsearch error`,
            );
          return values.some((x) => Number(x) === w);
        }
        case 'boolean': {
          const w = String(want);
          if (w !== 'true' && w !== 'false')
            throw new Error(`evalKql: '${w}' on boolean field '${field}' is an Elasticsearch error`);
          return values.some((x) => String(x) === w);
        }
      }
      throw new Error(`evalKql: field kind of '${field}'`);
    }
    default:
      throw new Error(`evalKql: function '${String(n.function)}' is not modelled`);
  }
}

/**
 * A field-less term (Kibana 7.x `is.js` with no field): a wildcard value is a `query_string`
 * over the index's default fields, anything else a lenient `multi_match` (phrase when quoted)
 * over them. MODEL: the default fields are the document's keyword and text fields (a numeric,
 * boolean or ip field answers nothing: lenient). On a keyword field the value is compared with
 * the whole value (wildcard: the whole value matches the pattern); on a text field a wildcard
 * pattern, lowercased (query_string normalizes wildcard terms with the field's analyzer), must
 * match ONE token, and a literal is the field's match / match_phrase.
 */
function fieldLess(
  v: KueryNode,
  phrase: boolean,
  doc: Record<string, unknown>,
  kindOf: (f: string) => Kind,
): boolean {
  if (v.type === 'wildcard') {
    const segs = String(v.value).split(WILDCARD_SYMBOL);
    if (segs.some((s) => /\s/.test(s)))
      throw new Error(`evalKql: whitespace in a wildcard value (query_string splits it, Kibana #23001)`);
    const re = (ss: string[]) =>
      new RegExp('^' + ss.map((s) => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')).join('[\\s\\S]*') + '$', 'u');
    const kw = re(segs);
    const tx = re(segs.map((s) => s.toLowerCase()));
    return Object.keys(doc).some((field) => {
      const kind = kindOf(field);
      const values = valuesOf(doc, field);
      if (kind === 'keyword') return values.some((x) => kw.test(String(x)));
      if (kind === 'text') return values.some((x) => tokens(String(x)).some((t) => tx.test(t)));
      return false;
    });
  }
  if (v.type !== 'literal') throw new Error(`evalKql: value node '${v.type}' is not modelled`);
  const want = String(v.value);
  return Object.keys(doc).some((field) => {
    const kind = kindOf(field);
    if (kind !== 'keyword' && kind !== 'text') return false;
    return evalNode(
      {
        type: 'function',
        function: 'is',
        arguments: [
          { type: 'literal', value: field },
          { type: 'literal', value: want },
          { type: 'literal', value: phrase },
        ],
      },
      doc,
      kindOf,
    );
  });
}

/** IPv4-mapped IPv6 addresses are IPv4 in Elasticsearch's ip type. */
function norm(a: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()
    ? (a as ipaddr.IPv6).toIPv4Address()
    : a;
}

/** The simplified standard analyzer: see the header. */
export function tokens(s: string): string[] {
  const out: string[] = [];
  const re = /[\p{L}\p{N}_]+(?:[.:'][\p{L}\p{N}_]+)*/gu;
  for (const m of s.matchAll(re)) out.push(m[0].toLowerCase());
  return out;
}
