/** The messages between the page (web/src/page.ts) and its conversion worker (web/src/worker.ts). */
import type { ConvertTextOptions, TextResult } from '../../src/core.js';

export interface TargetInfo {
  readonly name: string;
  readonly description: string;
  readonly formats: ReadonlyArray<{ readonly name: string; readonly description: string }>;
  readonly pipelines: readonly string[];
  readonly defaultPipelines: readonly string[];
  readonly settings: ReadonlyArray<{
    readonly name: string;
    readonly type: string;
    readonly description: string;
  }>;
}

export type Ask =
  | { readonly kind: 'targets' }
  | { readonly kind: 'convert'; readonly text: string; readonly options: ConvertTextOptions };

export type Request = Ask & { readonly id: number };

export type Reply =
  | { readonly id: number; readonly targets: readonly TargetInfo[] }
  | { readonly id: number; readonly result: TextResult }
  | { readonly id: number; readonly error: string };
