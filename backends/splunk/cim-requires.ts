/**
 * `-p splunk-cim`: a dataset that holds only some of its log source's events (data/cim.json
 * `requires`). The Authentication data model holds the Windows Security events the Splunk Add-on
 * for Microsoft Windows tags `authentication` (a few EventIDs), and of those it leaves out the
 * successes of accounts whose name ends with `$` (its constraint `NOT (action=success user=*$)`).
 * A query of it would miss every other event the rule matches, so a rule converts only when its
 * condition itself keeps to the events the dataset holds. The checks are conservative: what
 * they cannot prove (a pattern, a `not` they do not model) counts as not kept.
 *
 * The rule is read after the pipeline's field mapping: the fields are CIM names.
 */
import { assertNever } from '../../src/diagnostics.js';
import { requiredValues } from '../../src/ir/required-values.js';
import { plainText } from '../../src/ir/sigma-string.js';
import type { Node, SigmaString } from '../../src/ir/types.js';
import type { CimRequirement } from './pipelines.js';

/** Whether a string value can only match text that does not end with `$`. */
function cannotEndWithDollar(v: SigmaString): boolean {
  const last = v[v.length - 1];
  return last !== undefined && last.kind === 'text' && !last.text.endsWith('$');
}

/** Whether a string value matches, under `op`, every text that ends with `$`. */
function coversDollar(op: string, v: SigmaString): boolean {
  const t = plainText(v);
  if ((op === 'endswith' || op === 'contains') && t === '$') return true;
  return op === 'eq' && v.length === 2 && v[0].kind === 'any' && v[1].kind === 'text' && v[1].text === '$';
}

/** Whether every event `node` matches has the field present and covered by `coversDollar`. */
function matchesEveryDollar(node: Node, field: string): boolean {
  switch (node.kind) {
    case 'or':
      return node.children.some((c) => matchesEveryDollar(c, field));
    case 'and':
      return node.children.length > 0 && node.children.every((c) => matchesEveryDollar(c, field));
    case 'string':
      return node.field === field && node.values.some((v) => coversDollar(node.op, v));
    default:
      return false;
  }
}

/**
 * Whether no event the condition matches has `field` ending with `$`: an `and` with such a
 * child, an `or` of such children, a positive test whose values cannot end with `$` (an `eq` or
 * `endswith` value ending in other text, a number), or a `not` of a test that matches every
 * value ending with `$` (`|endswith: '$'`, `|contains: '$'`, `'*$'`).
 */
export function excludesDollar(node: Node, field: string): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.some((c) => excludesDollar(c, field));
    case 'or':
      return node.children.length > 0 && node.children.every((c) => excludesDollar(c, field));
    case 'not':
      return matchesEveryDollar(node.child, field);
    case 'number':
      return node.field === field;
    case 'string':
      return (
        node.field === field &&
        (node.op === 'eq' || node.op === 'endswith') &&
        node.values.every(cannotEndWithDollar)
      );
    case 'regex':
    case 'cidr':
    case 'boolean':
    case 'compare':
    case 'exists':
    case 'null':
    case 'fieldref':
    case 'time':
      return false;
    default:
      return assertNever(node);
  }
}

/** The CIM fields a condition tests. */
function fieldsOf(node: Node, out: Set<string>): Set<string> {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const c of node.children) fieldsOf(c, out);
      return out;
    case 'not':
      return fieldsOf(node.child, out);
    case 'fieldref':
      out.add(node.field);
      out.add(node.other);
      return out;
    default:
      if (node.field !== null) out.add(node.field);
      return out;
  }
}

/**
 * Why the rule cannot be converted to the dataset (the first unmet part of the requirement), or
 * undefined when the condition keeps to the events the dataset holds. `sigma` names a CIM field
 * in the rule's terms (for the messages). `model`: the query searches the data model (its
 * constraints apply); else it searches the events, where only `searchValues` and `onlyFor` do.
 */
export function unmetRequirement(
  ir: Node,
  dataset: string,
  req: CimRequirement,
  sigma: (cim: string) => string,
  model: boolean,
): string | undefined {
  const search = !model && req.searchValues !== undefined;
  const allowed = new Set((search ? (req.searchValues ?? []) : req.values).map((v) => v.toLowerCase()));
  const values = requiredValues(ir, req.field);
  const name = sigma(req.field);
  if (values === null || values.size === 0 || [...values].some((v) => !allowed.has(v)))
    return `${search ? `the fields are mapped only for ${req.searchReason ?? req.reason}` : `${dataset} holds only ${req.reason}`}; the rule's condition does not require ${name} to be one of them${values === null ? '' : ` (it allows ${[...values].sort().join(', ')})`}`;
  if (model && req.success) {
    const failureOnly = new Set(req.success.failureOnly.map((v) => v.toLowerCase()));
    if ([...values].some((v) => !failureOnly.has(v)) && !excludesDollar(ir, req.success.field))
      return req.success.reason;
  }
  for (const f of fieldsOf(ir, new Set())) {
    const only = req.onlyFor?.[f];
    if (!only) continue;
    const ok = new Set(only.values.map((v) => v.toLowerCase()));
    if ([...values].some((v) => !ok.has(v)))
      return `${sigma(f)} cannot be tested in ${dataset} for ${name} ${[...values].filter((v) => !ok.has(v)).join(', ')}: ${only.reason}`;
  }
  return undefined;
}
