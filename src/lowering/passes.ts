/**
 * Shared IR-to-IR passes, chosen by a backend's capability table and run by convert.ts after
 * the pipelines and before the backend's own lowering. Each pass keeps the rule's meaning
 * exactly (a pass that would approximate belongs in a backend, where the field types are known,
 * with the Lowering reporter), so running one never changes a label.
 *
 * Two lowerings stay in the backends on purpose: IPv4 CIDR as text prefixes (Elastic, on fields not
 * typed `ip`) approximates and depends on the field's type, which only the backend knows
 * (src/lowering/cidr.ts gives it the prefixes); and a value with inner wildcards as a regex is a
 * per-dialect leaf choice (Splunk keeps `*` in the search and tests `?` in `| where`, Sentinel
 * writes `matches regex`), made with the shared src/regex/sigma.ts.
 */
import { assertNever } from '../diagnostics.js';
import { isMatch } from '../ir/kinds.js';
import { canonicalNumber } from '../ir/number.js';
import type { Match, Node } from '../ir/types.js';
import { regexAsString } from '../regex/index.js';

/** What a backend wants the shared passes to do before it lowers a rule. */
export interface Capabilities {
  /**
   * A regex that is exactly a wildcard match (`^abc.*`, `(?i)x`) becomes that string match,
   * which most dialects search faster and write more plainly (pySigma's "regex to wildcard").
   * Only exact forms: a `.` without the `s` flag does not match a newline, `?` does.
   */
  readonly regexAsWildcard?: boolean;
  /**
   * A field-less number (a keyword `4688`) becomes the text keyword of its canonical spelling
   * (src/ir/number.ts): a keyword searches the event's text, where a number is its digits.
   */
  readonly keywordNumbersAsText?: boolean;
}

/** The passes a capability table selects, in order; empty when it selects none. */
export function passesFor(caps: Capabilities | undefined): ((m: Match) => Match)[] {
  const out: ((m: Match) => Match)[] = [];
  if (caps?.regexAsWildcard) out.push(regexAsWildcard);
  if (caps?.keywordNumbersAsText) out.push(keywordNumberAsText);
  return out;
}

/** Runs the passes `caps` selects over every match of the tree; the same node when none apply. */
export function runPasses(n: Node, caps: Capabilities | undefined): Node {
  const passes = passesFor(caps);
  if (passes.length === 0) return n;
  const one = (m: Match): Match => passes.reduce((x, p) => p(x), m);
  return mapMatches(n, one);
}

function mapMatches(n: Node, fn: (m: Match) => Match): Node {
  if (isMatch(n)) return fn(n);
  switch (n.kind) {
    case 'and':
    case 'or': {
      const children = n.children.map((c) => mapMatches(c, fn));
      return children.every((c, i) => c === n.children[i]) ? n : { ...n, children };
    }
    case 'not': {
      const child = mapMatches(n.child, fn);
      return child === n.child ? n : { ...n, child };
    }
    default:
      return assertNever(n);
  }
}

/** Pass: a regex with an exact wildcard form becomes that string match. */
export function regexAsWildcard(m: Match): Match {
  if (m.kind !== 'regex') return m;
  const s = regexAsString(m);
  return s && s.exact ? s.match : m;
}

/** Pass: a keyword number becomes a text keyword (contains) of its canonical spelling. */
export function keywordNumberAsText(m: Match): Match {
  if (m.kind !== 'number' || m.field !== null) return m;
  return {
    kind: 'string',
    field: null,
    op: 'contains',
    values: m.values.map((n) => [{ kind: 'text' as const, text: canonicalNumber(n) }]),
    cased: false,
    origin: m.origin,
  };
}
