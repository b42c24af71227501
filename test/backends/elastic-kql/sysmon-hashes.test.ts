/**
 * Sysmon `Hashes` (and event 15's `Hash`) through the `ecs` pipeline, for KQL and EQL: the Windows
 * integration splits "ALGO=hex,..." into one lowercase field per algorithm and deletes the text
 * (data/gen-pipelines.mjs `sysmonHashes`), so `contains 'ALGO=<whole hash>'` is exactly "that
 * field equals the lowercase hash" and every other value is refused. Checked on documents as the
 * integration stores them (test/fixtures/vendor-rows/elastic/sysmon-hashes.json, each citing its
 * source): the rule on the Sysmon EventData (`raw`, the reference evaluator) and the query on the
 * ingested document (`doc`, test/support/eval-kql.ts and eval-eql.ts) must agree.
 */
import { readFileSync } from 'node:fs';
import { elasticBackend } from '../../../backends/elastic-kql/index.js';
import { esType } from '../../../backends/elastic-kql/fields.js';
import { eqlBackend } from '../../../backends/eql/index.js';
import type { Backend } from '../../../src/backend.js';
import { loadRuleFromText } from '../../../src/convert.js';
import { compileRule } from '../../../src/evaluate/index.js';
import type { JsonObject } from '../../../src/evaluate/events.js';
import { convertWith, ruleText } from '../../support/convert.js';
import { parseEql } from '../../support/eql-grammar.js';
import { evalEql } from '../../support/eval-eql.js';
import { evalKql } from '../../support/eval-kql.js';
import { for7x, kqlToDsl } from '../../support/kql.js';

type Doc = Record<string, unknown>;
interface Fixture {
  readonly source: string;
  readonly docs: readonly { readonly raw: Doc; readonly doc: Doc }[];
}
const fixtures = JSON.parse(
  readFileSync(new URL('../../fixtures/vendor-rows/elastic/sysmon-hashes.json', import.meta.url), 'utf8'),
).entries as Record<string, Fixture>;

const A = { md5: '199E1CF5B2250BD515ECCCF4CA686301', imphash: 'D90D8C7812AEC8DA0FA173AFA1293AB2' };
const B = {
  sha1: '9955A1C071C44A7CEECC0D928A9CFB7F64CC3F93',
  md5: 'C7C45610F644906E6F7D664EF2E45B08',
  sha256: '4808F1101F4E42387D8DDB7A355668BAE3BF6F781C42D3BCD82E23446B1DEB3E',
  imphash: '194F3797B52231028C718B6D776C6853',
};

/** Rules (with `%F` for the Sigma field) that convert exactly, and which fixture documents they match. */
const EXACT: readonly { readonly detection: string; readonly fires: 'A' | 'B' | 'none' }[] = [
  { detection: `sel:\n  %F|contains: 'MD5=${A.md5}'\ncondition: sel`, fires: 'A' },
  {
    // Lowercase in the rule, and a hash no document has beside it.
    detection: `sel:\n  %F|contains:\n    - 'IMPHASH=${B.imphash.toLowerCase()}'\n    - 'SHA1=${'0'.repeat(39)}1'\ncondition: sel`,
    fires: 'B',
  },
  {
    detection: `sel:\n  %F|contains|all:\n    - 'MD5=${B.md5}'\n    - 'SHA256=${B.sha256}'\ncondition: sel`,
    fires: 'B',
  },
  {
    // Under `not`, exact as well.
    detection: `sel:\n  %F|contains:\n    - 'MD5=${A.md5}'\n    - 'MD5=${B.md5}'\nfilter:\n  %F|contains: 'IMPHASH=${A.imphash}'\ncondition: sel and not filter`,
    fires: 'B',
  },
  { detection: `sel:\n  %F|contains: 'SHA256=${'AB'.repeat(32)}'\ncondition: sel`, fires: 'none' },
];

/** Values without an exact counterpart in the stored fields: refused. */
const REFUSED: readonly string[] = [
  `%F|startswith: 'MD5=${A.md5}'`, // the first algorithm of the text: the order is not stored
  `%F|endswith: 'IMPHASH=${A.imphash}'`,
  `%F: 'MD5=${A.md5}'`, // the whole text is one hash: the other algorithms are not known to be absent
  `%F|contains: 'IMPHASH='`, // any imphash, all-zero ones included, which the integration drops
  `%F|contains: 'IMPHASH=${'0'.repeat(32)}'`, // an all-zero hash is not stored
  `%F|contains: 'MD5=199E1CF5'`, // a prefix of a hash
  `%F|contains: '${A.md5}'`, // a bare hash: MD5 or IMPHASH, or part of a longer one
  `%F|contains: 'SHA512=${'a'.repeat(128)}'`, // not an algorithm Sysmon writes
];

const logsource = (id: string) => `  product: windows\n  category: ${id.split('/')[1]}`;
const fieldOf = (id: string) => (id.endsWith('create_stream_hash') ? 'Hash' : 'Hashes');
const rule = (id: string, detection: string) =>
  ruleText(detection.replaceAll('%F', fieldOf(id)).replace(/^/gm, '  '), { logsource: logsource(id) });

function typesOf(doc: Doc): Record<string, string> {
  return Object.fromEntries(Object.keys(doc).map((k) => [k, esType(k) ?? 'keyword']));
}
/** The EQL interpreter compares scalars: a one-element array is its element; a longer one must not be tested. */
function scalars(doc: Doc, query: string): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc))
    if (!Array.isArray(v)) out[k] = v;
    else if (v.length === 1) out[k] = v[0];
    else expect(query).not.toContain(k);
  return out;
}

const targets: readonly [string, Backend][] = [
  ['kql', elasticBackend],
  ['eql', eqlBackend],
];

test('every hash-mapping entry has documents of both hash sets', () => {
  expect(Object.keys(fixtures).sort()).toEqual([
    'windows/create_stream_hash',
    'windows/driver_load',
    'windows/file_delete',
    'windows/image_load',
    'windows/process_creation',
  ]);
  for (const fx of Object.values(fixtures)) expect(fx.docs).toHaveLength(2);
});

describe.each(Object.entries(fixtures))('%s', (id, fx) => {
  test.each(targets)(
    '%s: exact, and the query on the stored document agrees with the rule on the event',
    (_, backend) => {
      for (const { detection, fires } of EXACT) {
        const text = rule(id, detection);
        const r = convertWith(backend, text, { pipelines: ['ecs'] });
        expect({ detection, status: r.status, diagnostics: r.diagnostics }).toMatchObject({
          detection,
          status: 'exact',
        });
        const q = r.queries[0];
        // The hash test is on the per-algorithm field, in lowercase; the Sysmon text is not queried.
        expect(q).not.toMatch(/Hashes?\b/);
        if (backend === eqlBackend) parseEql(q);
        else kqlToDsl(for7x(q));
        const matches = compileRule(loadRuleFromText(text, 'r.yml').ir!);
        fx.docs.forEach(({ raw, doc }, i) => {
          const ruleSays = matches(raw as JsonObject);
          const got = backend === eqlBackend ? evalEql(q, scalars(doc, q)) : evalKql(q, doc, typesOf(doc));
          expect({ detection, doc: i, ruleSays, got }).toEqual({ detection, doc: i, ruleSays: got, got });
        });
        // And the rule fires where the table says (on whichever document holds that hash set).
        const fired = fx.docs.filter(({ raw }) => matches(raw as JsonObject)).map(({ raw }) => setOf(raw));
        expect({ detection, fired }).toEqual({ detection, fired: fires === 'none' ? [] : [fires] });
      }
    },
  );
  test.each(targets)('%s: other hash values are refused with the reason', (_, backend) => {
    for (const sel of REFUSED) {
      const r = convertWith(backend, rule(id, `sel:\n  ${sel}\ncondition: sel`), { pipelines: ['ecs'] });
      expect({ sel, status: r.status }).toEqual({ sel, status: 'unsupported' });
      expect(r.diagnostics.find((d) => d.severity === 'error')?.message).toMatch(
        /splits into one lowercase field per algorithm .* only a whole MD5=, SHA1=, SHA256=, IMPHASH= hash \(not all zeros\) under contains/,
      );
    }
  });
});

/** Which hash set a raw event carries. */
function setOf(raw: Doc): 'A' | 'B' {
  const text = String(raw.Hashes ?? raw.Hash);
  return text.includes(A.md5) ? 'A' : 'B';
}
