/** Every built-in pipeline of every target compiles (they are compiled lazily at run time). */
import { loadBackend, targetNames } from '../backends/index.js';
import { compilePipelines } from '../src/pipeline/compile.js';
import { resolvePipeline } from '../src/pipeline/index.js';

test.each(targetNames())('%s: built-in pipelines compile', async (name) => {
  const backend = (await loadBackend(name))!;
  for (const p of Object.keys(backend.pipelines)) {
    const spec = resolvePipeline(p, backend);
    expect(compilePipelines([spec]).items.length).toBeGreaterThan(0);
  }
  for (const p of backend.defaultPipelines) expect(Object.keys(backend.pipelines)).toContain(p);
});
