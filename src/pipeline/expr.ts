/**
 * Condition expressions (`rule_cond_expr: "a and not (b or c)"`): identifiers naming the item's
 * conditions, `not` > `and` > `or`, parentheses. Parsed once, compiled to a predicate.
 */

export type Expr =
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'not'; readonly child: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr };

/** Parses an expression; throws a plain Error with the column on bad syntax. */
export function parseExpr(text: string): Expr {
  const tokens: Array<{ t: string; at: number }> = [];
  const re = /\s*(?:([A-Za-z0-9_-]+)|([()]))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected '${text.slice(i).trim()[0]}' at column ${i + 1}`);
    const t = m[1] ?? m[2];
    tokens.push({ t, at: m.index + m[0].length - t.length });
    i = re.lastIndex;
  }
  let k = 0;
  const peek = () => tokens[k]?.t;
  const fail = (what: string): never => {
    const tok = tokens[k];
    throw new Error(tok ? `${what}, found '${tok.t}' at column ${tok.at + 1}` : `${what} at the end`);
  };
  const primary = (): Expr => {
    const t = peek();
    if (t === '(') {
      k++;
      const e = or();
      if (peek() !== ')') fail("expected ')'");
      k++;
      return e;
    }
    if (t === 'not') {
      k++;
      return { kind: 'not', child: primary() };
    }
    if (t === undefined || t === ')' || t === 'and' || t === 'or') return fail('expected a condition name');
    k++;
    return { kind: 'id', name: t };
  };
  const and = (): Expr => {
    let e = primary();
    while (peek() === 'and') {
      k++;
      e = { kind: 'and', left: e, right: primary() };
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek() === 'or') {
      k++;
      e = { kind: 'or', left: e, right: and() };
    }
    return e;
  };
  const e = or();
  if (k < tokens.length) fail("expected 'and', 'or' or the end");
  return e;
}

/** The identifiers an expression names. */
export function exprNames(e: Expr, out = new Set<string>()): Set<string> {
  if (e.kind === 'id') out.add(e.name);
  else if (e.kind === 'not') exprNames(e.child, out);
  else {
    exprNames(e.left, out);
    exprNames(e.right, out);
  }
  return out;
}

/** Compiles an expression over named predicates (all names must be present). */
export function compileExpr<A extends unknown[]>(
  e: Expr,
  preds: ReadonlyMap<string, (...args: A) => boolean>,
): (...args: A) => boolean {
  switch (e.kind) {
    case 'id':
      return preds.get(e.name)!;
    case 'not': {
      const c = compileExpr(e.child, preds);
      return (...a) => !c(...a);
    }
    case 'and': {
      const l = compileExpr(e.left, preds);
      const r = compileExpr(e.right, preds);
      return (...a) => l(...a) && r(...a);
    }
    case 'or': {
      const l = compileExpr(e.left, preds);
      const r = compileExpr(e.right, preds);
      return (...a) => l(...a) || r(...a);
    }
  }
}
