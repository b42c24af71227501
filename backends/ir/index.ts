/** The `ir` target: the semantic IR as JSON, to inspect what the core understood of a rule. */
import type { Backend } from '../../src/backend.js';

export const irBackend: Backend = {
  name: 'ir',
  pipelines: {},
  defaultPipelines: [],
  convert(ctx) {
    return [JSON.stringify(ctx.ir)];
  },
  formats: {
    default: {
      description: 'a JSON array with one {path, id, title, status, ir} object per rule',
      header: () => '[\n',
      separator: ',\n',
      rule: (r) =>
        JSON.stringify({
          path: r.path,
          id: r.rule?.id ?? null,
          title: r.rule?.title ?? null,
          status: r.status,
          ir: r.queries.map((q) => JSON.parse(q)),
        }),
      footer: () => '\n]\n',
    },
  },
};
