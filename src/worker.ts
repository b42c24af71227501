/** A conversion worker thread (see parallel.ts): loads and converts batches of rule files. */
import { parentPort } from 'node:worker_threads';
import { loadRulesFile } from './convert.js';
import type { WorkerReply, WorkerRequest } from './parallel.js';
import { UsageError, type RunOptions } from './batch.js';
import { convertForTargets, prepare, type PreparedTarget } from './run.js';
import { selector } from './select.js';
import type { SigmaRule } from './rule/types.js';

let options: RunOptions | undefined;
let prepared: PreparedTarget[] = [];
let selected: ((rule: SigmaRule) => boolean) | undefined;
const port = parentPort!;
const reply = (m: WorkerReply) => port.postMessage(m);

port.on('message', async (m: WorkerRequest) => {
  if (m.type === 'init') {
    try {
      options = m.options;
      prepared = [];
      for (const t of options.targets) prepared.push({ ...(await prepare(t, options)), target: t });
      selected = selector(options.select);
      reply({ type: 'ready' });
    } catch (e) {
      reply({
        type: 'failed',
        message: e instanceof Error ? e.message : String(e),
        usage: e instanceof UsageError,
      });
    }
    return;
  }
  // Every document of every file, in order (a rule collection gives several).
  const outputs = m.paths.flatMap((p) =>
    loadRulesFile(p).rules.map((r) => convertForTargets(r, prepared, options!, selected)),
  );
  reply({ type: 'done', seq: m.seq, outputs });
});
