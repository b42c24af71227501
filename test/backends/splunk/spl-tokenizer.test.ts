import { splCommands, splQuote, splStringLiterals, tokenizeSpl, type SplToken } from '../../support/spl.js';

const w = (value: string): SplToken => ({ type: 'word', value });
const op = (value: '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | ','): SplToken => ({ type: 'op', value });
const s = (value: string, raw: string): SplToken => ({ type: 'string', value, raw });

describe('tokenizeSpl', () => {
  const cases: Array<[string, SplToken[]]> = [
    ['EventCode=4688', [w('EventCode'), op('='), w('4688')]],
    [
      'a!=1 b<2 c<=3 d>4 e>=5 f==6',
      [
        w('a'),
        op('!='),
        w('1'),
        w('b'),
        op('<'),
        w('2'),
        w('c'),
        op('<='),
        w('3'),
        w('d'),
        op('>'),
        w('4'),
        w('e'),
        op('>='),
        w('5'),
        w('f'),
        op('=='),
        w('6'),
      ],
    ],
    ['Image="*\\\\cmd.exe"', [w('Image'), op('='), s('*\\cmd.exe', '"*\\\\cmd.exe"')]],
    ['x="a\\"b"', [w('x'), op('='), s('a"b', '"a\\"b"')]],
    ['x="a\\|b"', [w('x'), op('='), s('a|b', '"a\\|b"')]],
    // unknown escapes are kept as written
    ['x="\\s\\d\\*"', [w('x'), op('='), s('\\s\\d\\*', '"\\s\\d\\*"')]],
    ['x="C:\\\\Windows\\\\"', [w('x'), op('='), s('C:\\Windows\\', '"C:\\\\Windows\\\\"')]],
    ['x="a|b" | table x', [w('x'), op('='), s('a|b', '"a|b"'), { type: 'pipe' }, w('table'), w('x')]],
    ['x="line1\nline2"', [w('x'), op('='), s('line1\nline2', '"line1\nline2"')]],
    [
      '(a=1 OR b=2) NOT c=3',
      [
        { type: 'lparen' },
        w('a'),
        op('='),
        w('1'),
        w('OR'),
        w('b'),
        op('='),
        w('2'),
        { type: 'rparen' },
        w('NOT'),
        w('c'),
        op('='),
        w('3'),
      ],
    ],
    [
      'f IN ("a*", "b")',
      [w('f'), w('IN'), { type: 'lparen' }, s('a*', '"a*"'), op(','), s('b', '"b"'), { type: 'rparen' }],
    ],
    ['f=*', [w('f'), op('='), w('*')]],
    [
      "| eval 'a-b'=lower('c d')",
      [
        { type: 'pipe' },
        w('eval'),
        { type: 'quotedField', value: 'a-b' },
        op('='),
        w('lower'),
        { type: 'lparen' },
        { type: 'quotedField', value: 'c d' },
        { type: 'rparen' },
      ],
    ],
    ['`sysmon_events` x=1', [{ type: 'macro', value: 'sysmon_events' }, w('x'), op('='), w('1')]],
    ['x="`notamacro`"', [w('x'), op('='), s('`notamacro`', '"`notamacro`"')]],
    ['x=1 ```a | b```', [w('x'), op('='), w('1'), { type: 'comment', value: 'a | b' }]],
    [
      '[search a | head 1]',
      [{ type: 'lbracket' }, w('search'), w('a'), { type: 'pipe' }, w('head'), w('1'), { type: 'rbracket' }],
    ],
    ["user=O'Brien", [w('user'), op('='), w("O'Brien")]],
  ];
  test.each(cases)('%s', (query, expected) => {
    expect(tokenizeSpl(query)).toEqual(expected);
  });

  test.each([
    ['"unterminated'],
    ['x="C:\\Windows\\"'], // the trailing-backslash trap: \" does not close the string
    ['x="ends in backslash\\'],
    ['`macro'],
    ['```comment'],
    ["'field"],
  ])('throws on %s', (query) => {
    expect(() => tokenizeSpl(query)).toThrow();
  });
});

describe('splStringLiterals / splCommands', () => {
  test('commands', () => {
    expect(splCommands('a=1 | where match(f, "x|y") | regex g="\\"|" | table f')).toEqual([
      'search',
      'where',
      'regex',
      'table',
    ]);
    expect(splCommands('| tstats count')).toEqual(['tstats']);
    expect(splCommands('a [search b | head 1] | stats count')).toEqual(['search', 'stats']);
    expect(() => splCommands('a |')).toThrow();
  });

  const hostile = [
    '',
    'C:\\Windows\\',
    '\\',
    '\\\\server',
    '"',
    '\\"',
    '" | delete "',
    'a|b',
    '\\|',
    '`m`',
    '```',
    "it's",
    'new\nline',
    '*',
    '\\*',
    '[search x]',
    ') OR (a=1',
    'ünïcødé',
  ];
  test.each(hostile.map((v) => [v]))('round trip %j', (v) => {
    const q = `f=${splQuote(v)} OR g IN (${splQuote(v)}, "x") | where match(f, ${splQuote(v)}) | table f`;
    expect(splStringLiterals(q)).toEqual([v, v, 'x', v]);
    expect(splCommands(q)).toEqual(['search', 'where', 'table']);
  });
});
