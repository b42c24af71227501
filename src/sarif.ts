/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) for
 * `convert --sarif` and `check --sarif`: one result per diagnostic, with the rule file as a URI
 * relative to the working directory (uriBaseId %SRCROOT%: the checkout's root, as GitHub code
 * scanning reads it), its region, level and code (ruleId,
 * described once in tool.driver.rules), so that GitHub code scanning annotates pull requests.
 */
import { CODES, type Diagnostic, type Severity } from './diagnostics.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** What the SARIF rules (tool.driver.rules) say of a code beyond the diagnostics' own codes. */
export type CodeInfo = Readonly<Record<string, readonly [Severity, string]>>;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/**
 * A file path as a SARIF artifact URI: relative to `cwd` when inside it, `/`-separated, each
 * segment percent-encoded (plain string work: the core has no node:path).
 */
export function artifactUri(path: string, cwd: string): string {
  const p = path.replace(/\\/g, '/');
  const base = cwd.replace(/\\/g, '/').replace(/\/$/, '') + '/';
  const rel = p.startsWith(base) ? p.slice(base.length) : p;
  return rel
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export interface SarifOptions {
  readonly version: string;
  /** Codes of this command beyond CODES (src/diagnostics.ts), with their default severity. */
  readonly codes?: CodeInfo;
  /** The working directory: URIs are relative to it. */
  readonly cwd: string;
}

/** The SARIF log of a run's diagnostics, as an object (JSON.stringify it). */
export function sarifLog(diagnostics: readonly Diagnostic[], options: SarifOptions): object {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const describe = (c: string): string =>
    options.codes?.[c]?.[1] ?? (Object.hasOwn(CODES, c) ? CODES[c as keyof typeof CODES] : c);
  const rules = codes.map((c) => {
    const levels = new Set(diagnostics.filter((d) => d.code === c).map((d) => d.severity));
    const severity: Severity =
      options.codes?.[c]?.[0] ?? (levels.has('error') ? 'error' : levels.has('warning') ? 'warning' : 'info');
    return {
      id: c,
      name: c.replace(/(^|-)([a-z])/g, (_, __, x: string) => x.toUpperCase()),
      shortDescription: { text: describe(c) },
      defaultConfiguration: { level: LEVEL[severity] },
    };
  });
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: index.get(d.code)!,
    level: LEVEL[d.severity],
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(d.file ?? '<input>', options.cwd), uriBaseId: '%SRCROOT%' },
          region: { startLine: d.line ?? 1, startColumn: d.column ?? 1 },
        },
      },
    ],
    ...(d.reason !== undefined
      ? { properties: { reason: d.reason, ...(d.direction ? { direction: d.direction } : {}) } }
      : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sigmantic',
            version: options.version,
            rules,
          },
        },
        results,
      },
    ],
  };
}
