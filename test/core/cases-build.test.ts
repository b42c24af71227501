import { loadRuleFromText } from '../../src/convert.js';
import { CASES, caseRule } from '../cases/cases.js';

describe('every case builds into IR with no diagnostics', () => {
  test.each(Object.entries(CASES))('%s', (name, c) => {
    const r = loadRuleFromText(caseRule(name, c), `${name}.yml`);
    expect(r.diagnostics).toEqual([]);
    expect(r.ir).toBeDefined();
  });
});
