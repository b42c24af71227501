/**
 * Where the source writes "DOMAIN\name" and the Elastic integration stores it split on the
 * backslash (Sysmon User -> user.domain + user.name, the `domainSplit` data of the ECS pipelines;
 * neither part holds a backslash, and the name is stored only when the value had exactly one).
 * A pattern must spend exactly one backslash on the separator: a literal backslash of the pattern
 * (domain ~ left part, name ~ right part), or a wildcard that spans it (`*`: domain ~ left part +
 * `*`, name ~ `*` + right part; `?`: the two parts). Shared by the KQL and EQL renderers.
 */
import { withOp } from '../../src/ir/sigma-string.js';
import type { Part, StringMatch } from '../../src/ir/types.js';
import { and, or, TRUE, type Tree } from '../../src/lowering/tree.js';

/** One way to split a pattern: the domain pattern (`any`: free, `none`: no domain stored) and the name pattern. */
export interface DomainCut {
  readonly domain: readonly Part[] | 'any' | 'none';
  readonly name: readonly Part[];
}

/** Every split of every value of the match (none for a value with two backslashes: it never matches). */
export function domainSplitCuts(m: StringMatch): DomainCut[] {
  const out: DomainCut[] = [];
  for (const v of m.values) {
    // The pattern as single characters and wildcards.
    const toks: Part[] = [];
    for (const p of withOp(v, m.op))
      if (p.kind === 'text') for (const c of p.text) toks.push({ kind: 'text', text: c });
      else toks.push(p);
    const slashes = toks.flatMap((t, i) => (t.kind === 'text' && t.text === '\\' ? [i] : []));
    if (slashes.length > 1) continue; // two separators: never matches
    const cuts: { at: number; left: Part[]; right: Part[] }[] = [];
    if (slashes.length === 1) cuts.push({ at: slashes[0], left: [], right: [] });
    else
      toks.forEach((t, i) => {
        if (t.kind === 'any') cuts.push({ at: i, left: [{ kind: 'any' }], right: [{ kind: 'any' }] });
        else if (t.kind === 'one') cuts.push({ at: i, left: [], right: [] });
      });
    for (const { at, left, right } of cuts) {
      const dom = [...toks.slice(0, at), ...left];
      // An empty domain is not stored (`set ... ignore_empty_value`): `*` leaves the domain free
      // and an empty pattern asks for no domain.
      out.push({
        domain: dom.every((t) => t.kind === 'any') ? (dom.length ? 'any' : 'none') : dom,
        name: [...right, ...toks.slice(at + 1)],
      });
    }
  }
  return out;
}

/**
 * The match on the split fields: for every cut, the domain pattern on `domainField` and the name
 * pattern on `field`, ORed. `lower` lowers one part (an `eq` match with the match's case and
 * origin, lowered before the name part so reports keep their order); `noDomain` is the
 * renderer's test that the event stores no domain. Exact, so no direction matters under `not`.
 */
export function domainSplitTree<L>(
  m: StringMatch,
  field: string,
  domainField: string,
  lower: (part: StringMatch) => Tree<L>,
  noDomain: () => Tree<L>,
): Tree<L> {
  const part = (f: string, parts: readonly Part[]): Tree<L> =>
    lower({ kind: 'string', field: f, op: 'eq', values: [parts], cased: m.cased, origin: m.origin });
  const alts: Tree<L>[] = [];
  for (const c of domainSplitCuts(m)) {
    const domain = c.domain === 'any' ? TRUE : c.domain === 'none' ? noDomain() : part(domainField, c.domain);
    alts.push(and([domain, part(field, c.name)]));
  }
  return or(alts);
}
