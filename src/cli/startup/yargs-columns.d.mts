/** Types of yargs-columns.mjs (plain JavaScript, run by the build without a TypeScript step). */
export declare const YARGS_SHIM: RegExp;
export declare function lazyColumns(text: string): string | null;
export declare const yargsLazyColumns: { name: string; setup(build: unknown): void };
