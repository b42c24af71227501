/**
 * Every built-in pipeline of every target compiles in full: at run time their items are compiled
 * lazily (a rule needs a few), so a mistake in an item would otherwise show only for some rules.
 */
import { loadBackend, targetNames } from '../../backends/index.js';
import { compilePipelines } from '../../src/pipeline/compile.js';
import { resolvePipeline } from '../../src/pipeline/index.js';

test.each(targetNames())('%s: built-in pipelines compile', async (name) => {
  const backend = (await loadBackend(name))!;
  for (const p of Object.keys(backend.pipelines)) {
    const spec = resolvePipeline(p, backend);
    const items = compilePipelines([spec]).items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      // Each getter compiles the rest of the item (and checks its keys) on first use.
      expect(typeof item.run).toBe('function');
      expect(item.matchItem === null || typeof item.matchItem === 'function').toBe(true);
      expect(item.matchField === null || typeof item.matchField === 'function').toBe(true);
    }
  }
  for (const p of backend.defaultPipelines) expect(Object.keys(backend.pipelines)).toContain(p);
});
