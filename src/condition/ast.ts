/** The condition tree, as the grammar reads it (before identifiers are resolved). */
export type Condition =
  | { readonly kind: 'and'; readonly children: readonly Condition[] }
  | { readonly kind: 'or'; readonly children: readonly Condition[] }
  | { readonly kind: 'not'; readonly child: Condition }
  | { readonly kind: 'ref'; readonly name: string; readonly offset: number }
  | {
      readonly kind: 'of';
      readonly quantifier: 'one' | 'all';
      /** An identifier pattern (`sel*`, `*`) or `them`. */
      readonly target: string;
      readonly offset: number;
    };
