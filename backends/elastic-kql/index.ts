/**
 * The `elastic` target: Kibana Query Language (KQL) for the Kibana search bar and Kibana
 * Security detection rules. Every gap between Sigma and KQL is decided in lower.ts and
 * documented in docs/elastic.md.
 */
import type { Backend, ConvertContext } from '../../src/backend.js';
import { Lowering } from '../../src/lowering/approximate.js';
import { convertCorrelation } from './correlation.js';
import { formats } from './formats.js';
import { convertForRule } from './language.js';
import { lowerNode, type CaseMode, type LowerEnv } from './lower.js';
import {
  domainSplitOf,
  isDefendEntry,
  lowercaseFields,
  pipelines,
  warnUnmapped,
  widenFieldsOf,
} from './pipelines.js';
import { SETTINGS } from './settings.js';
import { targetList, targetNumber, targetOf, targetString } from '../../src/settings.js';
import { clauses, render, simplify } from './tree.js';

const CASE_MODES: readonly CaseMode[] = ['widen', 'caseless'];

function convert(ctx: ConvertContext): string[] {
  const target = targetOf(ctx, SETTINGS);
  if (!target) return [];
  const setting = targetString(target, 'case')!;
  if (!(CASE_MODES as readonly string[]).includes(setting)) {
    ctx.sink.error(
      'unsupported-construct',
      `unknown setting case=${setting} (known: ${CASE_MODES.join(', ')})`,
    );
    return [];
  }
  const entry = typeof ctx.state.ecs_entry === 'string' ? ctx.state.ecs_entry : '';
  const schema = isDefendEntry(entry) ? 'defend' : 'ecs';
  if (schema === 'defend' && setting === 'caseless') {
    ctx.sink.error(
      'unsupported-construct',
      "case=caseless asserts a '.caseless' sub-field on every keyword field, which Elastic Defend's mapping contradicts (process.pe.original_file_name, dll.path, ... have none): drop the setting; the elastic-defend pipeline uses '.caseless' exactly where the integration declares it",
    );
    return [];
  }
  warnUnmapped(ctx.state, ctx.rule.logsource, ctx.sink);
  const lowering: LowerEnv['lowering'] = new Lowering(ctx.sink);
  const env: LowerEnv = {
    schema,
    caseMode: setting as CaseMode,
    lowering,
    // Set by the built-in ECS entries (pipelines.ts): the data is written by Elastic's integrations.
    lowercase: ctx.state.ecs_entry ? lowercaseFields() : undefined,
    domainSplit: entry ? domainSplitOf(entry) : undefined,
    widen: entry ? widenFieldsOf(entry) : undefined,
  };
  const tree = simplify(lowerNode(ctx.ir, env));
  if (lowering.failed) return [];
  if (tree.kind === 'const') {
    lowering.unsupported(
      undefined,
      tree.value
        ? 'after approximation the rule matches every event, which a KQL query cannot say'
        : 'the rule can never match an event, which a KQL query cannot say',
    );
    return [];
  }
  // Elasticsearch rejects queries with more boolean clauses than indices.query.bool.max_clause_count
  // (1024 in 7.x, derived from the heap in 8.x); Kibana's recursive KQL parser also has limits.
  const limit = targetNumber(target, 'max-clauses')!;
  const n = clauses(tree);
  if (Number.isFinite(limit) && n > limit) {
    lowering.unsupported(
      undefined,
      `the query has ${n} clauses, more than ${limit} (Elasticsearch indices.query.bool.max_clause_count): split the rule, or raise the limit with --set max-clauses=N`,
    );
    return [];
  }
  return [render(tree)];
}

export const elasticBackend: Backend = {
  name: 'elastic',
  pipelines,
  defaultPipelines: ['ecs'],
  formats,
  settings: SETTINGS,
  // The exact regex-to-wildcard rewrite is shared; inexact forms are approximated in lower.ts.
  capabilities: { regexAsWildcard: true },
  // Detection rules are written in KQL or EQL, whichever is exact (language.ts).
  convert: (ctx) => convertForRule(ctx, convert),
  convertCorrelation: (ctx) =>
    convertCorrelation(ctx, {
      convert,
      index: (c) => {
        const t = targetOf(c, SETTINGS);
        return (t && targetList(t, 'index')) ?? [];
      },
    }),
};
