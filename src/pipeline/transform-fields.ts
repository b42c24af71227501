/** Field name transformations: mappings, prefixes and suffixes, the rule's `fields` list, hashes. */
import { plainText } from '../ir/sigma-string.js';
import type { Node, SigmaString } from '../ir/types.js';
import { or, where, type RuleCtx } from './context.js';
import { fieldOk, rewriteItems, type CompiledItem, type Transform, type TransformFactory } from './item.js';
import type { Params } from './params.js';

/** Maps one field name to its targets, or undefined when the transformation leaves it. */
type NameMap = (field: string) => readonly string[] | undefined;

function track(ctx: RuleCtx, item: CompiledItem, targets: readonly string[]): void {
  for (const t of targets) {
    ctx.mappedFields.add(t);
    if (ctx.track && item.id !== undefined) {
      let s = ctx.fieldApplied.get(t);
      if (!s) ctx.fieldApplied.set(t, (s = new Set()));
      s.add(item.id);
    }
  }
}

const show = (t: readonly string[]) => (t.length === 1 ? t[0] : `[${t.join(', ')}]`);
const same = (f: string, t: readonly string[]) => t.length === 1 && t[0] === f;

/**
 * A field name transformation: applied to match fields, fieldref targets and the rule's
 * `fields` list. One-to-many turns a match into an OR of copies, one per target field.
 */
function fieldNameTransform(map: NameMap): Transform {
  return (ctx, item) => {
    const mapName = (f: string | null): readonly string[] | undefined => {
      if (f === null || !fieldOk(item, f, ctx)) return undefined;
      const t = map(f);
      if (t) track(ctx, item, t);
      return t && !same(f, t) ? t : undefined;
    };
    if (ctx.rule.fields.length > 0) {
      const out: string[] = [];
      const changes: string[] = [];
      for (const f of ctx.rule.fields) {
        const t = mapName(f);
        if (t) changes.push(`${f} -> ${show(t)}`);
        out.push(...(t ?? [f]));
      }
      if (changes.length) {
        ctx.rule = { ...ctx.rule, fields: out };
        ctx.applied.push(`${item.label}: fields list ${changes.join(', ')}`);
      }
    }
    let reshapes = false;
    rewriteItems(
      ctx,
      item,
      (m) => {
        if (m.kind !== 'fieldref') {
          // The common case, kept lean: one field, most often one target.
          const ft = mapName(m.field);
          if (!ft) return undefined;
          ctx.applied.push(`${item.label}: field ${m.field} -> ${show(ft)}${where(m)}`);
          if (ft.length === 1) return { ...m, field: ft[0] };
          reshapes = true;
          return { kind: 'or', children: ft.map((f) => ({ ...m, field: f })) };
        }
        const ft = mapName(m.field);
        const ot = mapName(m.other);
        if (!ft && !ot) return undefined;
        const copies: Node[] = [];
        for (const f of ft ?? [m.field])
          for (const o of ot ?? [m.other]) copies.push({ ...m, field: f, other: o });
        const what: string[] = [];
        if (ft) what.push(`field ${m.field} -> ${show(ft)}`);
        if (ot) what.push(`field reference ${m.other} -> ${show(ot)}`);
        ctx.applied.push(`${item.label}: ${what.join(', ')}${where(m)}`);
        if (copies.length > 1) reshapes = true;
        return or(copies);
      },
      false,
    );
    if (reshapes) ctx.changed = true;
  };
}

function mappingParam(p: Params): Map<string, string[]> {
  return p.stringMap('mapping');
}

const HASH_LENGTHS: Readonly<Record<number, string>> = { 32: 'MD5', 40: 'SHA1', 64: 'SHA256', 128: 'SHA512' };
const ALGO_LENGTHS: Readonly<Record<string, number>> = {
  MD5: 32,
  SHA1: 40,
  SHA256: 64,
  SHA512: 128,
  IMPHASH: 32,
};

export const FIELD_TRANSFORMATIONS: Record<string, TransformFactory> = {
  field_name_mapping(p) {
    const mapping = mappingParam(p);
    return fieldNameTransform((f) => mapping.get(f));
  },
  field_name_prefix_mapping(p) {
    const mapping = [...mappingParam(p)];
    return fieldNameTransform((f) => {
      for (const [src, dest] of mapping)
        if (f.startsWith(src)) return dest.map((d) => d + f.slice(src.length));
      return undefined;
    });
  },
  field_name_prefix(p) {
    const prefix = p.text('prefix')!;
    return fieldNameTransform((f) => [prefix + f]);
  },
  field_name_suffix(p) {
    const suffix = p.text('suffix')!;
    return fieldNameTransform((f) => [f + suffix]);
  },
  add_field(p) {
    const fields = p.strList('field')!;
    return (ctx, item) => {
      ctx.rule = { ...ctx.rule, fields: [...ctx.rule.fields, ...fields] };
      ctx.applied.push(`${item.label}: fields list + ${fields.join(', ')}`);
    };
  },
  remove_field(p) {
    const fields = new Set(p.strList('field'));
    return (ctx, item) => {
      const kept = ctx.rule.fields.filter((f) => !fields.has(f));
      if (kept.length === ctx.rule.fields.length) return;
      const removed = ctx.rule.fields.filter((f) => fields.has(f));
      ctx.rule = { ...ctx.rule, fields: kept };
      ctx.applied.push(`${item.label}: fields list - ${removed.join(', ')}`);
    };
  },
  set_field(p) {
    const fields = p.strList('fields')!;
    return (ctx, item) => {
      ctx.rule = { ...ctx.rule, fields };
      ctx.applied.push(`${item.label}: fields list = ${fields.join(', ')}`);
    };
  },
  hashes_fields(p) {
    const valid = new Set(p.strList('valid_hash_algos')!.map((a) => a.toUpperCase()));
    const prefix = p.text('field_prefix', true) ?? '';
    const dropAlgo = p.bool('drop_algo_prefix', false);
    return (ctx, item) =>
      rewriteItems(ctx, item, (m) => {
        if (m.kind !== 'string' || (m.op !== 'eq' && m.op !== 'contains')) return undefined;
        const groups = new Map<string, SigmaString[]>();
        const keep: SigmaString[] = [];
        for (const v of m.values) {
          const plain = plainText(v);
          const split = plain === null ? null : splitHash(plain);
          // Only a whole hash of a known length is the same match on its own field.
          if (
            !split ||
            !valid.has(split.algo) ||
            (ALGO_LENGTHS[split.algo] ?? split.hash.length) !== split.hash.length
          ) {
            keep.push(v);
            continue;
          }
          const field = prefix + (dropAlgo ? '' : split.algo);
          const g = groups.get(field) ?? [];
          g.push([{ kind: 'text', text: split.hash }]);
          groups.set(field, g);
        }
        if (groups.size === 0) return undefined;
        const out: Node[] = [...groups].map(([field, values]) => ({ ...m, field, op: 'eq', values }));
        if (keep.length) out.push({ ...m, values: keep });
        ctx.applied.push(`${item.label}: ${m.field} hashes -> ${[...groups.keys()].join(', ')}${where(m)}`);
        return or(out);
      });
  },
  field_name_transform(p) {
    return p.fail(
      "'field_name_transform' needs a Python function and cannot be written in YAML; not supported",
      'type',
    );
  },
};

function splitHash(value: string): { algo: string; hash: string } | null {
  const parts = value.includes('|') ? value.split('|') : value.split('=');
  if (parts.length === 2) return { algo: parts[0].replace(/^\*+/, '').toUpperCase(), hash: parts[1] };
  if (parts.length === 1) {
    const algo = HASH_LENGTHS[value.length];
    return algo && /^[0-9a-fA-F]+$/.test(value) ? { algo, hash: value } : null;
  }
  return null;
}
