/**
 * The toy dialect: the rule's IR in prefix form, `(and (eq Image "*\\cmd.exe") (not (exists User)))`.
 * It has no regex (a regex that is not exactly a wildcard match is approximated through the
 * lowering kit) and no field-to-field comparison (refused).
 */
import { assertNever } from '../../../src/diagnostics.js';
import { networkText } from '../../../src/ir/cidr.js';
import { toSigmaText } from '../../../src/ir/sigma-string.js';
import type { Match } from '../../../src/ir/types.js';
import { Lowering } from '../../../src/lowering/approximate.js';
import { fold, leaf, lowerLeaves, type Tree } from '../../../src/lowering/tree.js';
import type { ConvertContext } from '../../../src/backend.js';

type Reason = 'regex';

const field = (f: string | null): string => f ?? '*';
const quote = (s: string): string => JSON.stringify(s);

/** One match as a prefix term (its values ORed, as in the IR). */
function term(m: Match, low: Lowering<Reason>, negated: boolean): Tree<string> {
  switch (m.kind) {
    case 'string':
      return leaf(
        `(${m.cased ? 'cased-' : ''}${m.op} ${field(m.field)} ${m.values.map((v) => quote(toSigmaText(v))).join(' ')})`,
      );
    case 'regex':
      return low.drop(
        m,
        negated,
        'regex',
        `the prefix form has no regex: /${m.pattern}/ on ${field(m.field)} is left out`,
      );
    case 'cidr':
      return leaf(`(cidr ${m.field} ${m.networks.map((n) => quote(networkText(n))).join(' ')})`);
    case 'number':
      return leaf(`(eq ${field(m.field)} ${m.values.map((v) => v.text).join(' ')})`);
    case 'boolean':
      return leaf(`(eq ${m.field} ${m.value})`);
    case 'compare':
      return leaf(`(${m.op} ${m.field} ${m.value.text})`);
    case 'exists':
      return leaf(m.exists ? `(exists ${m.field})` : `(not (exists ${m.field}))`);
    case 'null':
      return leaf(`(null ${m.field})`);
    case 'time':
      return leaf(`(${m.unit} ${m.field} ${m.values.map((v) => v.text).join(' ')})`);
    case 'fieldref':
      low.unsupported(m, `the prefix form cannot compare ${m.field} with the field ${m.other}`);
      return leaf('');
    default:
      return assertNever(m);
  }
}

function print(t: Tree<string>): string {
  switch (t.kind) {
    case 'const': // only inside and/or/not before folding; fold leaves none in a query
      return String(t.value);
    case 'leaf':
      return t.leaf;
    case 'not':
      return `(not ${print(t.child)})`;
    case 'and':
    case 'or':
      return `(${t.kind} ${t.children.map(print).join(' ')})`;
    default:
      return assertNever(t);
  }
}

/** The rule's query, or none when the dialect refused part of it (reported to ctx.sink). */
export function convertPrefix(ctx: ConvertContext): string[] {
  const low = new Lowering<Reason>(ctx.sink);
  const tree = fold(lowerLeaves(ctx.ir, (m, negated) => term(m, low, negated)));
  if (tree.kind === 'const')
    low.unsupported(
      undefined,
      `after approximation the rule ${tree.value ? 'matches every event' : 'never matches'}`,
    );
  return low.failed ? [] : [print(tree)];
}
