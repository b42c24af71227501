/**
 * The first pass of a run whose inputs hold correlations or filters: every document is indexed by
 * `name` and `id` (references resolve across all inputs, whatever their order), filters are added
 * to the rules they apply to, and the rules that only feed a correlation (`generate: false`) are
 * marked. Deterministic: everything follows input order.
 */
import { DiagnosticSink } from '../diagnostics.js';
import type { Node } from '../ir/types.js';
import type { LogSource } from '../rule/types.js';
import type { LoadedRule } from '../convert.js';
import { ReferenceIndex } from './build.js';

export interface Linked {
  readonly index: ReferenceIndex;
  /** Each input document as it is converted (filters added), in input order. */
  readonly documents: readonly LoadedRule[];
  /** Documents named by a correlation with `generate: false`: no query of their own. */
  readonly correlationOnly: ReadonlySet<LoadedRule>;
}

/**
 * pySigma's reading of a filter's log source (sigma/filters.py `rule.logsource not in
 * self.logsource`): each of category, product, service the filter gives must equal the rule's.
 */
export function logsourceCovers(filter: LogSource, rule: LogSource): boolean {
  for (const k of ['category', 'product', 'service'] as const)
    if (filter[k] !== undefined && filter[k] !== rule[k]) return false;
  return true;
}

/** Whether a filter applies to a rule: its log source covers the rule's, and it names the rule (or says `any`). */
export function filterApplies(filter: LoadedRule, rule: LoadedRule): boolean {
  const f = filter.filter;
  const r = rule.rule;
  if (!f || !filter.rule || !r || r.type !== 'rule') return false;
  if (!logsourceCovers(filter.rule.logsource, r.logsource)) return false;
  if (f.refs === 'any') return true;
  return f.refs.some((x) => x.ref === r.id || x.ref === r.name);
}

/** A rule with every applicable filter added: its condition and not each filter's. */
export function withFilters(rule: LoadedRule, filters: readonly LoadedRule[]): LoadedRule {
  if (!rule.ir || filters.length === 0) return rule;
  const hits = filters.filter((f) => filterApplies(f, rule));
  if (hits.length === 0) return rule;
  const sink = new DiagnosticSink(rule.path);
  const lines: string[] = [];
  const children: Node[] = [rule.ir];
  for (const f of hits) {
    children.push({ kind: 'not', child: f.filter!.ir });
    const name = `filter '${f.rule!.title}' (${f.path}:${f.rule!.pos.line})`;
    sink.info('filter-applied', `${name} added: the rule's condition and not the filter's`, rule.rule?.pos);
    // pySigma adds a filter as 'and' (sigma/filters.py), so filters written for sigma-cli say
    // `condition: not selection`; read as the specification says ('and not'), such a filter keeps
    // only the events it was meant to suppress. Said, not guessed: the query is what sigmantic reads.
    if (f.filter!.ir.kind === 'not')
      sink.warning(
        'filter-negated',
        `${name}: its condition is a 'not', and sigmantic adds a filter as 'and not' (the Sigma filters specification: a filter's condition says what to suppress), so 'not X' keeps only the events of X; pySigma adds filters as 'and', where 'not selection' is the usual form: for sigmantic write 'condition: selection'`,
        rule.rule?.pos,
      );
    lines.push(`${name}: added as 'and not' to the condition`);
  }
  return {
    ...rule,
    ir: { kind: 'and', children },
    diagnostics: [...rule.diagnostics, ...sink.list],
    filtersApplied: lines,
  };
}

/** Indexes the documents of a run and adds the filters (the inputs' own and `extraFilters`). */
export function link(inputs: readonly LoadedRule[], extraFilters: readonly LoadedRule[] = []): Linked {
  const filters = [...extraFilters, ...inputs].filter((d) => d.filter !== undefined);
  const documents = inputs.map((d) => withFilters(d, filters));
  const index = new ReferenceIndex();
  for (const d of documents) if (d.rule) index.add({ rule: d.rule, ir: d.ir, correlation: d.correlation });
  const byRule = new Map(documents.filter((d) => d.rule).map((d) => [d.rule!, d]));
  const correlationOnly = new Set<LoadedRule>();
  for (const d of documents) {
    if (!d.correlation || d.correlation.generate) continue;
    for (const { ref } of d.correlation.refs) {
      const found = index.lookup(ref);
      if (found.length !== 1) continue;
      const target = byRule.get(found[0].rule);
      if (target) correlationOnly.add(target);
    }
  }
  return { index, documents, correlationOnly };
}
