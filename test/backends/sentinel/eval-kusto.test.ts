/**
 * The Kusto interpreter (test/support/eval-kusto.ts) on hand-written queries whose answers the
 * Kusto documentation gives (Microsoft Learn, "Kusto Query Language" reference; page per line).
 */
import { evalKusto } from '../../support/eval-kusto.js';

const S = { s: 'string', t: 'string', n: 'long', r: 'real', b: 'bool', d: 'dynamic' };
const q = (pred: string) => `T\n| where ${pred}`;

describe('evalKusto', () => {
  const cases: Array<[string, Record<string, unknown>, boolean, string]> = [
    // "String operators": == case-sensitive, =~ case-insensitive.
    ['s == "abc"', { s: 'ABC' }, false, 'String operators: == is case-sensitive'],
    ['s =~ "abc"', { s: 'ABC' }, true, 'String operators: =~ is case-insensitive'],
    ['s != "abc"', { s: 'ABC' }, true, 'String operators: !='],
    ['s !~ "abc"', { s: 'ABC' }, false, 'String operators: !~'],
    // "in~ operator" / "in operator".
    ['s in~ ("x", "abc")', { s: 'ABC' }, true, 'in~ is case-insensitive'],
    ['s in ("x", "abc")', { s: 'ABC' }, false, 'in is case-sensitive'],
    ['s !in~ ("x", "abc")', { s: 'ABC' }, false, '!in~'],
    // "contains operator": case-insensitive substring; contains_cs case-sensitive.
    ['s contains "BC"', { s: 'abcd' }, true, 'contains'],
    ['s contains_cs "BC"', { s: 'abcd' }, false, 'contains_cs'],
    ['s !contains "BC"', { s: 'abcd' }, false, '!contains'],
    ['s startswith "AB"', { s: 'abcd' }, true, 'startswith'],
    ['s startswith_cs "AB"', { s: 'abcd' }, false, 'startswith_cs'],
    ['s endswith "CD"', { s: 'abcd' }, true, 'endswith'],
    ['s endswith_cs "cd"', { s: 'abcd' }, true, 'endswith_cs'],
    // "has operator": whole terms ("North America" has "america"; not a substring test).
    ['s has "america"', { s: 'North America' }, true, 'has: a term'],
    ['s has "DisallowedHost"', { s: 'DisallowedHostb' }, false, 'has: not a substring'],
    // "matches regex operator": RE2, case-sensitive, unanchored.
    ['s matches regex "b.d"', { s: 'abcde' }, true, 'regex: partial match'],
    ['s matches regex "B"', { s: 'abc' }, false, 'regex: case-sensitive'],
    ['s matches regex "(?i)B"', { s: 'abc' }, true, 'regex: (?i)'],
    ['s matches regex @"^a\\z"', { s: 'a\n' }, false, 'regex: \\z is the very end'],
    // "The string data type": a missing string value reads as "" (never null).
    ['isempty(s)', {}, true, 'isempty of a missing string'],
    ['isnull(s)', {}, false, 'a string is never null'],
    ['isnotnull(s)', { s: '' }, true, 'isnotnull("") is true'],
    ['isnotempty(s)', { s: '' }, false, 'isnotempty("") is false'],
    ['isnull(n)', {}, true, 'a missing long is null'],
    // "Null values": == with a null operand is false, != true, ordering null, where drops null.
    ['n == 1', {}, false, 'null == 1 is false'],
    ['n != 1', {}, true, 'null != 1 is true'],
    ['n > 1', {}, false, 'null > 1 is null, dropped'],
    ['not(n > 1)', {}, false, 'not(null) is null, dropped'],
    ['not(coalesce(n > 1, false))', {}, true, 'coalesce(null, false) is false'],
    ['n > 1 or s == ""', {}, true, 'null or true is true'],
    ['n > 1 and s == "x"', {}, false, 'null and false is false'],
    // Numbers and conversions ("toreal()", "tolong()", "tostring()").
    ['n == 3', { n: 3 }, true, 'long equality'],
    ['toreal(s) > 2.5', { s: '3' }, true, 'toreal of numeric text'],
    ['isnull(toreal(s))', { s: 'x' }, true, 'toreal of non-numeric text is null'],
    ['tolong(d.k) in (1, 2)', { d: { k: 2 } }, true, 'dynamic member to long'],
    ['tostring(d.k) =~ "A"', { 'd.k': 'a' }, true, 'flattened dynamic member'],
    ['tostring(d["a-b"]) == "x"', { d: '{"a-b":"x"}' }, true, 'dynamic from JSON text, bracket key'],
    ['isnull(d.absent)', { d: {} }, true, 'missing dynamic member is null'],
    ['tostring(d.absent) == ""', { d: {} }, true, 'tostring(null) is ""'],
    ['b == true', { b: true }, true, 'bool'],
    ['tostring(b) =~ "TRUE"', { b: true }, true, 'tostring(bool)'],
    // IP ranges ("ipv4_is_in_range()", "ipv6_is_in_range()"): null when not an address.
    ['ipv4_is_in_range(s, "10.0.0.0/8")', { s: '10.1.2.3' }, true, 'ipv4 in range'],
    ['ipv4_is_in_range(s, "10.0.0.0/8")', { s: '11.1.2.3' }, false, 'ipv4 not in range'],
    ['not(ipv4_is_in_range(s, "10.0.0.0/8"))', { s: 'fe80::1' }, false, 'ipv4 of an IPv6 is null'],
    ['ipv4_is_in_any_range(s, "1.0.0.0/8", "10.0.0.0/8")', { s: '10.1.2.3' }, true, 'any range'],
    ['ipv6_is_in_range(s, "fe80::/10")', { s: 'FE80::1' }, true, 'ipv6 in range'],
    ['ipv6_is_in_any_range(s, "::1/128", "fc00::/7")', { s: '::1' }, true, 'ipv6 any range'],
    // Functions the renderer emits for derived fields.
    ['strcat(s, @"\\", t) == @"A\\b"', { s: 'A', t: 'b' }, true, 'strcat'],
    ['iff(isempty(s), t, s) == "x"', { t: 'x' }, true, 'iff'],
    ['case(s == "a", "1", s == "b", "2", "3") == "2"', { s: 'b' }, true, 'case'],
    [
      'replace_regex(s, @"(?i)^HKEY_USERS\\\\", @"HKU\\\\") == @"HKU\\S-1\\x"',
      { s: 'hkey_users\\S-1\\x' },
      true,
      'replace_regex: \\\\ in the rewrite is a backslash',
    ],
    ['replace_regex(s, "(a)(b)", @"\\2\\1") == "xbay"', { s: 'xaby' }, true, 'replace_regex groups'],
    ['tohex(n) == "3e7"', { n: 999 }, true, 'tohex'],
    ['tohex(n, 8) == "00000001"', { n: 1 }, true, 'tohex with a minimum length'],
    [
      'binary_shift_right(n, 32) == 1 and binary_and(n, 4294967295) == 2',
      { n: 4294967298 },
      true,
      'binary functions',
    ],
    [
      'extract(@"<Data Name=""A"">([^<]*)</Data>", 1, s) == "v"',
      { s: '<Data Name="A">v</Data>' },
      true,
      'extract',
    ],
    ['extract("z(.)", 1, s) == ""', { s: 'abc' }, true, 'extract with no match is ""'],
    // "where operator": `*` tests every column.
    ['* contains "zz"', { s: 'a', t: 'xzzx' }, true, '* contains'],
    ['* contains "zz"', { s: 'a', t: 'b' }, false, '* contains, none'],
    ['(s =~ "a" or s =~ "b") and not(t =~ "c")', { s: 'B', t: 'd' }, true, 'parentheses and not'],
  ];
  test.each(cases)('%s on %j is %s (%s)', (pred, row, want) => {
    expect(evalKusto(q(pred), row, S)).toBe(want);
  });

  test('extend computes a column once for the where', () => {
    expect(evalKusto('T\n| extend X = strcat(s, "-", t)\n| where X =~ "A-B"', { s: 'a', t: 'b' }, S)).toBe(
      true,
    );
  });

  test('refuses what it does not understand, and type errors Kusto refuses', () => {
    expect(() => evalKusto(q('s == 3'), { s: '3' }, S)).toThrow(/Cannot compare/);
    expect(() => evalKusto(q('nosuch =~ "x"'), {}, S)).toThrow(/not a column/);
    expect(() => evalKusto(q('s has_any ("x")'), { s: 'x' }, S)).toThrow(/unsupported/);
    expect(() => evalKusto(q('strrev(s) == "x"'), { s: 'x' }, S)).toThrow(/unsupported function/);
    expect(() => evalKusto('T | summarize count()', {}, S)).toThrow(/unsupported query operator/);
    expect(() => evalKusto(q('s in (_GetWatchlist("w") | project SearchKey)'), {}, S)).toThrow();
  });
});
