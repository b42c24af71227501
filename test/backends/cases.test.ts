/**
 * The cross-backend case table: every case, every backend, exact expected output and label.
 * The reference evaluator checks each case's events against the rule, so the cases themselves
 * are right; the expected queries are reviewed by hand and checked by each backend's own tests
 * with a real parser where one exists.
 */
import { loadBackend } from '../../backends/index.js';
import { convertLoaded, loadRuleFromText } from '../../src/convert.js';
import { compileRule } from '../../src/evaluate/index.js';
import {
  CASES,
  caseRule,
  type BackendName,
  type CaseDiagnostics,
  type CaseName,
  type Expectations,
} from '../cases/cases.js';
import { diagnostics as elasticDiagnostics, expected as elastic } from '../cases/expected.elastic.js';
import { diagnostics as eqlDiagnostics, expected as eql } from '../cases/expected.eql.js';
import { diagnostics as sentinelDiagnostics, expected as sentinel } from '../cases/expected.sentinel.js';
import { diagnostics as splunkDiagnostics, expected as splunk } from '../cases/expected.splunk.js';
import { CASE_SETTINGS } from '../cases/settings.js';

const ALL: Readonly<Record<BackendName, Expectations>> = { splunk, sentinel, elastic, eql };
/** Each backend's approximation reasons and unsupported codes per case (none when absent). */
const DIAGNOSTICS: Readonly<Record<BackendName, CaseDiagnostics>> = {
  splunk: splunkDiagnostics,
  sentinel: sentinelDiagnostics,
  elastic: elasticDiagnostics,
  eql: eqlDiagnostics,
};
const names = Object.keys(CASES) as CaseName[];

function load(name: CaseName) {
  const r = loadRuleFromText(caseRule(name, CASES[name]), `${name}.yml`);
  if (!r.ir) throw new Error(`case ${name} does not build: ${JSON.stringify(r.diagnostics)}`);
  return r;
}

describe('case events agree with the reference evaluator', () => {
  test.each(names)('%s', (name) => {
    const matches = compileRule(load(name).ir!);
    for (const e of CASES[name].match) expect([e, matches(e)]).toEqual([e, true]);
    for (const e of CASES[name].noMatch) expect([e, matches(e)]).toEqual([e, false]);
  });
});

describe.each(Object.keys(ALL) as BackendName[])('%s', (backendName) => {
  test.each(names)('%s', async (name) => {
    const backend = await loadBackend(backendName);
    if (!backend) throw new Error(`no backend ${backendName}`);
    const result = convertLoaded(load(name), backend, [], { settings: CASE_SETTINGS[backendName] });
    const want = ALL[backendName][name];
    const got = {
      status: result.status,
      ...(result.queries.length ? { query: result.queries.join('\n') } : {}),
    };
    expect(got).toEqual({ status: want.status, ...(want.query !== undefined ? { query: want.query } : {}) });
    // The approximations' reasons and directions and the unsupported constructs' reasons, pinned.
    const pins = result.diagnostics
      .filter((d) => d.code === 'approximation' || d.code === 'unsupported-construct')
      .map((d) => [d.code, d.reason, d.direction].filter((x) => x !== undefined));
    expect(pins).toEqual(DIAGNOSTICS[backendName][name] ?? []);
  });
});
