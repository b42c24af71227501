/** Value transformations: strings, types, case, regex, and placeholders. */
import { literal, mapText, parseSigmaString, plainText, withOp } from '../ir/sigma-string.js';
import type { Match, Node, SigmaString } from '../ir/types.js';
import { or, posOf, RuleFailure, where } from './context.js';
import { rewriteItems, STATE_EFFECTS, UNKNOWN_VALUE, type Transform, type TransformFactory } from './item.js';
import { describe, scalar, scalarText, type Params } from './params.js';
import { compileRegex, pythonReplacement } from './regex.js';
import { fileValues, refuseExternal } from './external.js';
import { expandPlaceholders, fromSigmaText, rewriteStrings, sigmaText } from './strings.js';
import { QUERY_EXPRESSION_PLACEHOLDERS } from './types.js';

function show(s: SigmaString): string {
  return `'${sigmaText(s)}'`;
}

/** A transformation of each string value (folded with its op); null leaves a value. */
function stringValues(name: string, fn: (s: SigmaString) => SigmaString[] | null): Transform {
  return (ctx, item) =>
    rewriteItems(ctx, item, (m) => {
      if (m.kind !== 'string') return undefined;
      const r = rewriteStrings(m, fn);
      if (r !== undefined) ctx.applied.push(`${item.label}: ${name} on ${m.field ?? 'keyword'}${where(m)}`);
      return r;
    });
}

function snake(t: string): string {
  return t
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

function placeholderFilter(p: Params): (name: string) => boolean {
  const include = p.strList('include', true);
  const exclude = p.strList('exclude', true);
  if (include && exclude) p.fail("'include' and 'exclude' cannot be combined", 'exclude');
  if (include) return (n) => include.includes(n);
  if (exclude) return (n) => !exclude.includes(n);
  return () => true;
}

const CASE_METHODS = ['lower', 'upper', 'snake_case'] as const;
const REGEX_METHODS = ['plain', 'ignore_case_flag', 'ignore_case_brackets'] as const;

function escapeRegex(t: string): string {
  return t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export const VALUE_TRANSFORMATIONS: Record<string, TransformFactory> = {
  replace_string(p) {
    const re = compileRegex(p, 'regex', false, undefined, 'g');
    const repl = pythonReplacement(p.text('replacement')!);
    const skipSpecial = p.bool('skip_special', false);
    const interpret = p.bool('interpret_special', false);
    return stringValues('replace_string', (s) => {
      if (!skipSpecial) {
        const hasPh = s.some((x) => x.kind === 'placeholder');
        return [fromSigmaText(sigmaText(s).replace(re, repl), hasPh)];
      }
      const out: SigmaString[number][] = [];
      for (const part of s) {
        if (part.kind !== 'text') out.push(part);
        else {
          const t = part.text.replace(re, repl);
          if (interpret) out.push(...fromSigmaText(t, false));
          else out.push({ kind: 'text', text: t });
        }
      }
      return [out];
    });
  },
  map_string(p) {
    const mapping = p.stringMap('mapping');
    return stringValues('map_string', (s) => {
      const to = mapping.get(sigmaText(s));
      return to ? to.map((t) => parseSigmaString(t)) : null;
    });
  },
  case(p) {
    const method = p.oneOf('method', CASE_METHODS, 'lower');
    const fn =
      method === 'lower'
        ? (t: string) => t.toLowerCase()
        : method === 'upper'
          ? (t: string) => t.toUpperCase()
          : snake;
    return stringValues(`case ${method}`, (s) => [mapText(s, fn)]);
  },
  set_value(p) {
    const raw = p.raw('value');
    const v = scalar(raw);
    if (v === undefined)
      return p.fail(`'value' must be a string, number, boolean or null, not ${describe(raw)}`, 'value');
    const force = p.has('force_type') ? p.oneOf('force_type', ['str', 'num']) : undefined;
    let kind: 'string' | 'number' | 'boolean' | 'null' =
      v === null ? 'null' : (typeof v as 'string' | 'number' | 'boolean');
    const text = scalarText(raw) ?? '';
    if (force) {
      if (v === null || typeof v === 'boolean')
        return p.fail("'force_type' applies to string and number values only", 'force_type');
      if (force === 'num' && !/^[-+]?\d+(\.\d+)?$/.test(text))
        return p.fail(`'${text}' is not a number`, 'value');
      kind = force === 'str' ? 'string' : 'number';
    }
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        const base = { origin: m.origin };
        let out: Match;
        if (kind === 'string')
          out = {
            ...base,
            kind: 'string',
            field: m.field,
            op: 'eq',
            values: [parseSigmaString(text)],
            cased: false,
          };
        else if (kind === 'number')
          out = { ...base, kind: 'number', field: m.field, values: [{ value: Number(text), text }] };
        else {
          if (m.field === null)
            throw new RuleFailure(`set_value: a keyword cannot be set to ${kind}`, posOf(m));
          out =
            kind === 'boolean'
              ? { ...base, kind, field: m.field, value: v as boolean }
              : { ...base, kind: 'null', field: m.field };
        }
        ctx.applied.push(`${item.label}: set_value ${m.field ?? 'keyword'} = ${text || 'null'}${where(m)}`);
        return out;
      });
  },
  convert_type(p) {
    const target = p.oneOf('target_type', ['str', 'num']);
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        if (target === 'str') {
          if (m.kind !== 'number') return undefined;
          ctx.applied.push(`${item.label}: convert_type ${m.field ?? 'keyword'} to string${where(m)}`);
          return {
            kind: 'string',
            field: m.field,
            op: 'eq',
            values: m.values.map((n) => literal(n.text)),
            cased: false,
            origin: m.origin,
          };
        }
        if (m.kind !== 'string') return undefined;
        const texts = m.values.map((s) => (m.op === 'eq' ? plainText(s) : null));
        if (texts.some((t) => t === null || !/^[-+]?\d+(\.\d+)?$/.test(t)))
          throw new RuleFailure(
            `convert_type: ${m.field ?? 'keyword'} value ${show(withOp(m.values[0], m.op))} cannot be converted to a number`,
            posOf(m),
          );
        ctx.applied.push(`${item.label}: convert_type ${m.field ?? 'keyword'} to number${where(m)}`);
        return {
          kind: 'number',
          field: m.field,
          values: texts.map((t) => ({ value: Number(t), text: t! })),
          origin: m.origin,
        };
      });
  },
  regex(p) {
    const method = p.oneOf('method', REGEX_METHODS, 'ignore_case_brackets');
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        if (m.kind !== 'string') return undefined;
        const out: Node[] = m.values.map((v) => {
          let re = '';
          for (const part of withOp(v, m.op)) {
            if (part.kind === 'text')
              re +=
                method === 'ignore_case_brackets'
                  ? [...part.text]
                      .map((c) =>
                        c.toLowerCase() !== c.toUpperCase()
                          ? `[${c.toLowerCase()}${c.toUpperCase()}]`
                          : escapeRegex(c),
                      )
                      .join('')
                  : escapeRegex(part.text);
            else if (part.kind === 'any') re += '.*';
            else if (part.kind === 'one') re += '.';
            else throw new RuleFailure(`regex: placeholder %${part.name}% must be resolved first`, posOf(m));
          }
          return {
            kind: 'regex',
            field: m.field,
            pattern: `^${re}$`,
            flags: { i: method === 'ignore_case_flag', m: false, s: true },
            origin: m.origin,
          };
        });
        ctx.applied.push(`${item.label}: regex (${method}) on ${m.field ?? 'keyword'}${where(m)}`);
        return or(out);
      });
  },
  value_placeholders(p) {
    const handled = placeholderFilter(p);
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        if (m.kind !== 'string') return undefined;
        const r = expandPlaceholders(m, (name) => {
          if (!handled(name)) return null;
          const v = ctx.vars.get(name);
          if (!v)
            throw new RuleFailure(
              `placeholder %${name}% has no value: the pipelines define no variable '${name}'`,
              posOf(m),
              'unresolved-placeholder',
            );
          if (typeof v === 'string')
            throw new RuleFailure(`placeholder %${name}%: ${v}`, posOf(m), 'unresolved-placeholder');
          return v;
        });
        if (!r) return undefined;
        ctx.applied.push(
          `${item.label}: placeholder ${r.names.map((n) => `%${n}%`).join(', ')} -> values from vars${where(m)}`,
        );
        return { ...m, values: r.values };
      });
  },
  file_placeholders(p) {
    const handled = placeholderFilter(p);
    const values = fileValues(p);
    const path = p.text('path')!;
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        if (m.kind !== 'string') return undefined;
        const r = expandPlaceholders(m, (name) => (handled(name) ? values() : null));
        if (!r) return undefined;
        ctx.applied.push(
          `${item.label}: placeholder ${r.names.map((n) => `%${n}%`).join(', ')} -> values from ${path}${where(m)}`,
        );
        return { ...m, values: r.values };
      });
  },
  http_placeholders: (p) => refuseExternal('http_placeholders', p),
  command_placeholders: (p) => refuseExternal('command_placeholders', p),
  wildcard_placeholders(p) {
    const handled = placeholderFilter(p);
    return (ctx, item) =>
      rewriteItems(ctx, item, (m, negated) => {
        if (m.kind !== 'string') return undefined;
        const r = expandPlaceholders(m, (name) => (handled(name) ? [[{ kind: 'any' }]] : null));
        if (!r) return undefined;
        const names = r.names.map((n) => `%${n}%`).join(', ');
        ctx.applied.push(`${item.label}: placeholder ${names} -> *${where(m)}`);
        ctx.sink.warning(
          'approximation',
          `placeholder ${names} on ${m.field ?? 'keyword'} replaced by a wildcard (pipeline item ${item.label}): the query may match ${negated ? 'fewer' : 'more'} events than the rule`,
          posOf(m),
        );
        return { ...m, values: r.values };
      });
  },
  query_expression_placeholders(p) {
    const handled = placeholderFilter(p);
    const expression = p.str('expression');
    const mapping = p.has('mapping') ? p.stringMap('mapping') : new Map<string, string[]>();
    const run: Transform = (ctx, item) => {
      if (!ctx.ir) return;
      const record = (m: Match) => {
        if (m.kind !== 'string') return;
        for (const v of m.values) {
          const phs = v.filter((x) => x.kind === 'placeholder' && handled(x.name));
          if (phs.length === 0) continue;
          if (v.length !== 1 || m.op !== 'eq')
            throw new RuleFailure(
              `query_expression_placeholders: ${show(withOp(v, m.op))} mixes a placeholder with other text; only a value that is just the placeholder can become a query expression`,
              posOf(m),
            );
          const name = (v[0] as { name: string }).name;
          const exprs = (ctx.state[QUERY_EXPRESSION_PLACEHOLDERS] ??= {}) as Record<string, string>;
          if (exprs[name] === undefined) {
            exprs[name] = expression.replace(/\{id\}/g, mapping.get(name)?.[0] ?? name);
            ctx.applied.push(
              `${item.label}: placeholder %${name}% -> query expression ${exprs[name]}${where(m)}`,
            );
          }
        }
      };
      rewriteItems(ctx, item, (m) => {
        record(m);
        return undefined;
      });
    };
    STATE_EFFECTS.set(run, { key: QUERY_EXPRESSION_PLACEHOLDERS, val: UNKNOWN_VALUE });
    return run;
  },
};
