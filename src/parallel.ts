/**
 * Conversion on worker threads: rule files go out in batches, results come back in any order
 * and are emitted in input order, so the output is byte-identical to a sequential run. Memory
 * stays bounded: only a few batches are in flight at a time.
 */
import { Worker } from 'node:worker_threads';
import { UsageError, type RuleOutput, type RunOptions } from './batch.js';

const BATCH = 64;
/** Batches in flight per worker. */
const DEPTH = 2;

export type WorkerRequest =
  | { readonly type: 'init'; readonly options: RunOptions }
  | { readonly type: 'batch'; readonly seq: number; readonly paths: readonly string[] };
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string; readonly usage: boolean }
  | { readonly type: 'done'; readonly seq: number; readonly outputs: RuleOutput[][] };

export async function runParallel(
  paths: readonly string[],
  options: RunOptions,
  jobs: number,
  emit: (outputs: readonly RuleOutput[]) => void,
): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < paths.length; i += BATCH) batches.push(paths.slice(i, i + BATCH));
  const workers = Array.from(
    { length: Math.min(jobs, batches.length) },
    () => new Worker(new URL('./worker.js', import.meta.url)),
  );
  const pending = new Map<number, RuleOutput[][]>();
  let nextToSend = 0;
  let nextToEmit = 0;
  // Options cross the thread boundary by structured clone: keep only data.
  const plain: RunOptions = JSON.parse(JSON.stringify(options));
  try {
    await new Promise<void>((resolve, reject) => {
      const send = (w: Worker) => {
        if (nextToSend >= batches.length) return;
        const seq = nextToSend++;
        w.postMessage({ type: 'batch', seq, paths: batches[seq] } satisfies WorkerRequest);
      };
      for (const w of workers) {
        w.on('error', reject);
        w.on('message', (m: WorkerReply) => {
          if (m.type === 'failed') return reject(m.usage ? new UsageError(m.message) : new Error(m.message));
          if (m.type === 'ready') {
            for (let k = 0; k < DEPTH; k++) send(w);
            return;
          }
          pending.set(m.seq, m.outputs);
          while (pending.has(nextToEmit)) {
            for (const outputs of pending.get(nextToEmit)!) emit(outputs);
            pending.delete(nextToEmit);
            nextToEmit++;
          }
          if (nextToEmit === batches.length) resolve();
          else send(w);
        });
        w.postMessage({ type: 'init', options: plain } satisfies WorkerRequest);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
