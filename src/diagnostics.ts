/**
 * Diagnostics: every problem found while loading, building or rendering a rule is reported here,
 * never thrown. A conversion's label follows from the worst diagnostic it collected.
 */

export type Severity = 'error' | 'warning' | 'info';

/** The label of one conversion. */
export type Label = 'exact' | 'approximate' | 'unsupported' | 'error';

/** 1-based line and column in the rule file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** A stable, kebab-case code (see CODES). */
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /**
   * For an approximation (or an unsupported construct): a stable kebab-case reason a tool may
   * count or match on (`case`, `regex`, `placeholder`, ...), declared by the backend.
   */
  readonly reason?: string;
  /**
   * For an approximation: how the changed part differs from the rule. `wider` matches more;
   * `narrower` (under `not`) matches less, so that the whole query still matches more.
   */
  readonly direction?: Direction;
}

/** How an approximated part of a query differs from the rule's (see Diagnostic.direction). */
export type Direction = 'wider' | 'narrower';

/** The optional structure of a diagnostic beyond its code and message. */
export interface DiagnosticDetail {
  readonly reason?: string;
  readonly direction?: Direction;
}

/** Stable diagnostic codes and what they mean. Tools may match on these. */
export const CODES = {
  'io-error': 'the file could not be read',
  'file-too-large': 'the file exceeds the size limit',
  'yaml-syntax': 'the file is not valid YAML',
  'yaml-too-complex': 'alias expansion or nesting exceeds the limits',
  'not-a-rule': 'the document is not a mapping',
  'multi-document': 'legacy multi-document rule (action: global/reset/repeat)',
  'invalid-attribute': 'an attribute has the wrong type or format',
  'missing-attribute': 'a required attribute is missing',
  'unsupported-rule-type': 'the target does not convert this kind of rule (correlation)',
  'invalid-correlation': 'a correlation has a bad type, rules, group-by, aliases, condition or generate',
  'invalid-timespan': 'a correlation timespan is not a number and a unit (s, m, h, d, w, M, y)',
  'invalid-filter': 'a filter document has a bad rules list, detection or condition',
  'missing-reference': 'a correlation or filter names a rule (by name or id) that no input defines',
  'ambiguous-reference': 'a correlation names a rule (by name or id) that several inputs define',
  'reference-cycle': 'correlations refer to each other in a circle',
  'correlation-only': 'a rule referenced by a correlation (generate: false) gives no query of its own',
  'filter-applied': 'a filter (--filter or a filter document of the inputs) was added to the rule',
  'filter-negated':
    "a filter's condition is a 'not' (pySigma's form, added as 'and'); sigmantic adds filters as 'and not'",
  'single-thread':
    'info: -j asked for threads, but the run converts on one thread (correlations or filters link the inputs, or --cache)',
  'condition-syntax': 'the condition does not parse',
  'legacy-aggregation': 'legacy aggregation (| count() by ..., near): rewrite as a correlation rule',
  'undefined-identifier': 'the condition names a selection that does not exist',
  'empty-pattern': 'a condition pattern matches no selection',
  'invalid-detection': 'a detection or selection has an invalid shape',
  'unknown-modifier': 'a modifier is not part of Sigma v2.1',
  'invalid-modifier-combination': 'modifiers that cannot be combined',
  'invalid-value': 'a value does not fit its modifiers',
  'invalid-cidr': 'a cidr value is not a valid IPv4 or IPv6 network',
  'invalid-regex': 'a regular expression does not compile',
  'expansion-limit': 'a modifier would expand to too many values',
  'cidr-host-bits': 'a cidr value had host bits set; the network address is used',
  'empty-value-list': "a field's empty value list (`Field: []`) is read as null, as pySigma reads it",
  'unknown-attribute': 'a rule attribute Sigma does not define (kept as a custom attribute; a typo?)',
  'too-deep': 'a condition or rule nests deeper than the limit',
  'unresolved-placeholder': 'a placeholder has no value',
  'pipeline-error': 'a processing pipeline failed',
  'query-rewritten':
    "a pipeline's post-processing rewrote the query text (the label covers the query before it)",
  approximation: 'the query is an approximation of the rule (see message)',
  'unsupported-construct': 'the target cannot express a construct of the rule',
  'query-language':
    'info: the query language a rule was written in where the target has several (reason: the language)',
  'unmapped-field': 'a field has no mapping for the target',
  'unmapped-logsource': 'the log source has no mapping for the target',
  'unknown-attack-tag': 'an attack.* tag names no tactic or technique of the ATT&CK data',
  'invalid-output': "the output format's vendor validation refuses the rule (a size limit, a field format)",
  'unverified-field':
    "the table's columns are not known: the query fails to run if the table lacks a field it names",
  'strict-approximation': 'an approximation was refused because of --strict',
  'duplicate-id': 'another rule of the input has the same id',
  'symlink-loop': 'a symbolic link leads back into a folder already read (not followed again)',
  'internal-error': 'a bug in sigmantic: please report it with the rule',
} as const;

export type Code = keyof typeof CODES;

/** Collects diagnostics for one file or rule. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  constructor(readonly file?: string) {}

  report(severity: Severity, code: Code, message: string, pos?: Position, detail?: DiagnosticDetail): void {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
      severity,
      code,
      message,
      file: this.file,
      line: pos?.line,
      column: pos?.column,
    };
    // Set one by one: spreading `detail` into a copy took 10 times as long (V8's slow path), a
    // tenth of Elastic's conversion time on the corpus, which reports thousands of approximations.
    if (detail?.reason !== undefined) d.reason = detail.reason;
    if (detail?.direction !== undefined) d.direction = detail.direction;
    this.list.push(d);
  }
  error(code: Code, message: string, pos?: Position): void {
    this.report('error', code, message, pos);
  }
  warning(code: Code, message: string, pos?: Position): void {
    this.report('warning', code, message, pos);
  }
  info(code: Code, message: string, pos?: Position): void {
    this.report('info', code, message, pos);
  }
  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/** `file:line:col: severity code: message`, the format compilers use. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file ?? '<input>', d.line ?? 1, d.column ?? 1].join(':');
  const reason = d.reason === undefined ? '' : ` [${d.reason}]`;
  return `${where}: ${d.severity} ${d.code}${reason}: ${d.message}`;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
