/**
 * A match on a field the log source's ECS entry widens (data/pipelines.json `widenFields`: the
 * integration stores the field so that the test matches more events than the rule's). Shared by
 * the KQL and EQL renderers.
 */
import type { Match } from '../../src/ir/types.js';
import type { Lowering } from '../../src/lowering/approximate.js';
import type { Tree } from '../../src/lowering/tree.js';

/**
 * Under `not`, the test dropped (the whole query matches more events); else undefined, after
 * reporting the widening: the caller lowers the match as usual. Undefined for other fields.
 */
export function widenedField<L>(
  m: Match,
  widen: Readonly<Record<string, string>> | undefined,
  low: Lowering<'field-type'>,
  negated: boolean,
): Tree<L> | undefined {
  if (m.field === null || !widen || !Object.hasOwn(widen, m.field)) return undefined;
  const why = widen[m.field];
  if (negated)
    return low.drop(
      m,
      negated,
      'field-type',
      `${why}: under 'not' the test of '${m.field}' is dropped (the query matches more events)`,
    );
  low.report(m, 'field-type', `${why} (matches more events)`, 'wider');
  return undefined;
}
