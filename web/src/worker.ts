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

/**
 * A small rule converted once for every target while the page loads: the one-time costs of a
 * first conversion (the condition grammar's set-up, the YAML reader, cold code) are paid before
 * the user's first one.
 */
const WARM_UP = `title: warm-up
logsource: {product: windows, category: process_creation}
detection:
  sel:
    Image|endswith: '\\a.exe'
    CommandLine|contains|all: [' -x', ' /y']
  filter:
    ParentImage|startswith: 'C:\\Windows\\'
  condition: sel and not filter
`;

async function warmUp(names: readonly string[]): Promise<void> {
  for (const target of names) await convertText(WARM_UP, { target });
}

scope.onmessage = (e) => {
  const req = e.data;
  const reply = async (): Promise<Reply> => {
    try {
      if (req.kind === 'targets') {
        const list = await targets();
        await warmUp(list.map((t) => t.name));
        return { id: req.id, targets: list };
      }
      return { id: req.id, result: await convertText(req.text, req.options) };
    } catch (err) {
      return { id: req.id, error: err instanceof Error ? err.message : String(err) };
    }
  };
  void reply().then((r) => scope.postMessage(r));
};
