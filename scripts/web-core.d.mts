import type { BuildOptions } from 'esbuild';
export function shippedAssets(root?: string): Record<string, string>;
export function precompiledTemplates(root?: string): Record<string, string>;
export function browserCoreOptions(root?: string): BuildOptions;
