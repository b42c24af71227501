/**
 * Vendor rows as a table: a query held to a base row (written from the vendor's documentation,
 * cited where the suite defines it) and variants of it, each with the verdict it must get.
 */
export type Row = Readonly<Record<string, unknown>>;

/** A variant of the base row: the fields it changes, and whether the query must match it. */
export type Variant = readonly [changes: Row, matches: boolean];

/**
 * Each variant's verdict from `matches` (the base row with the variant's fields), for one
 * `toEqual` against the table: a failing row shows its fields.
 */
export function verdicts(
  matches: (row: Row) => boolean,
  base: Row,
  variants: readonly Variant[],
): Array<readonly [Row, boolean]> {
  return variants.map(([changes]) => [changes, matches({ ...base, ...changes })] as const);
}
