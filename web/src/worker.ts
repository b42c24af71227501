/**
 * The playground's conversion worker: the library core (src/core.ts) off the page's thread, so
 * typing never waits for a conversion. Built into the page as a blob worker
 * (scripts/build-web.mjs): a worker from a file would not start under `file://`.
 */
import { convertText, loadBackend, targetEntries } from '../../src/core.js';
import type { Reply, Request, TargetInfo } from './protocol.js';

const scope = self as unknown as {
  onmessage: ((e: { data: Request }) => void) | null;
  postMessage(m: Reply): void;
};

async function targets(): Promise<TargetInfo[]> {
  const out: TargetInfo[] = [];
  for (const [name, entry] of targetEntries()) {
    const b = await loadBackend(name);
    if (!b) continue;
    out.push({
      name,
      description: entry.description,
      formats: Object.entries(b.formats).map(([f, fmt]) => ({ name: f, description: fmt.description })),
      pipelines: Object.keys(b.pipelines),
      defaultPipelines: b.defaultPipelines,
      settings: (b.settings ?? []).map((s) => ({ name: s.name, type: s.type, description: s.description })),
    });
  }
  return out;
}

scope.onmessage = (e) => {
  const req = e.data;
  const reply = async (): Promise<Reply> => {
    try {
      if (req.kind === 'targets') return { id: req.id, targets: await targets() };
      return { id: req.id, result: await convertText(req.text, req.options) };
    } catch (err) {
      return { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
  };
  void reply().then((r) => scope.postMessage(r));
};
