import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The floor plan (DEVELOPERS.md "Floors"): what each folder may not import. Each entry is a
// regex on the import's specifier (relative, as written); `no-restricted-imports` checks static
// imports and re-exports, `no-restricted-syntax` literal dynamic `import()`. Import circles are
// scripts/check-cycles.mjs's (also run by `npm run lint`). test/core/floors.test.ts shows each fires.
const NO = {
  ir: [String.raw`(^|/)ir/`, 'the IR'],
  regex: [String.raw`(^|/)regex/`, 'src/regex'],
  pipeline: [String.raw`(^|/)pipeline/`, 'the pipelines'],
  lowering: [String.raw`(^|/)lowering/`, 'the lowering kit'],
  evaluate: [String.raw`(^|/)evaluate/`, 'the reference evaluator'],
  backendTs: [String.raw`(^|/)backend\.js$`, 'the backend contract (src/backend.ts)'],
  settings: [String.raw`(^|/)settings\.js$`, 'the settings'],
  batch: [String.raw`(^|/)(convert|run|batch|parallel|cache|worker)\.js$`, 'the conversion and batch layer'],
  cli: [String.raw`(^|/)cli/`, 'the CLI'],
  backends: [String.raw`(^|/)backends/`, 'the backends'],
  backendsBeyondRegistry: [
    String.raw`(^|/)backends/(?!index\.js$)`,
    "a backend's own files (only the registry, backends/index.ts)",
  ],
  publicApi: [String.raw`(^|/)src/index\.js$`, 'the public API (src/index.ts)'],
  node: [String.raw`^node:|^(fs|path|url|os|crypto|module|worker_threads|child_process)$`, 'a Node module'],
  // The Node side (file and process I/O): src/node/, the batch run, inputs, cache, threads, the
  // Node API (src/index.ts), `sigmantic test`'s file reading; as written from src/, a src/ folder, backends/.
  nodeSideTop: [
    String.raw`^\./(node/.*|run|files|cache|parallel|worker|index)\.js$`,
    'the Node side (file and process I/O)',
  ],
  nodeSideSub: [
    String.raw`^\.\./(node/.*|run|files|cache|parallel|worker|index)\.js$|(^|/)testing\.js$`,
    'the Node side (file and process I/O)',
  ],
  nodeSideBackend: [
    String.raw`(^|/)src/(node/.*|run|files|cache|parallel|worker|index|evaluate/testing)\.js$`,
    'the Node side (file and process I/O)',
  ],
  otherBackend: [String.raw`^\.\./(?!\.\./|common/|src/)`, 'another backend'],
  nonElasticBackend: [
    String.raw`^\.\./(?!\.\./|common/|src/|eql/|elastic-kql/)`,
    'a backend outside the Elastic family',
  ],
  outsideRegex: [String.raw`^\.\./(?!ir/types\.js$)`, 'anything but the IR types'],
};

function floor(name, files, forbidden, ignores = []) {
  const entries = forbidden.map((k) => NO[k]);
  const message = (what) => `floor plan: ${name} must not import ${what} (DEVELOPERS.md "Floors")`;
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: entries.map(([regex, what]) => ({ regex, message: message(what) })) },
      ],
      'no-restricted-syntax': [
        'error',
        ...entries.map(([regex, what]) => ({
          selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`,
          message: message(what),
        })),
      ],
    },
  };
}

const BASE = [
  'src/condition/**',
  'src/rule/**',
  'src/diagnostics.ts',
  'src/files.ts',
  'src/assets.ts',
  'src/templates.ts',
];
/** The core files that load the backend registry by design: the batch run, the CLI, the public API. */
/** Backends that share the Elastic target's mapping and may import each other (see the floor below). */
const ELASTIC_FAMILY = ['backends/eql/**', 'backends/elastic-kql/**'];
const REGISTRY_USERS = ['src/run.ts', 'src/prepare.ts', 'src/core.ts', 'src/cli/commands.ts', 'src/index.ts'];
/** The Node side: file and process I/O over the core (everything else in src/ and backends/ is the core). */
const NODE_SIDE = [
  'src/node/**',
  'src/cli/**',
  'src/run.ts',
  'src/files.ts',
  'src/config.ts',
  'src/output/**',
  'src/cache.ts',
  'src/parallel.ts',
  'src/worker.ts',
  'src/index.ts',
  'src/evaluate/testing.ts',
];
const ABOVE_IR = ['pipeline', 'lowering', 'evaluate', 'backendTs', 'settings', 'batch', 'cli', 'backends'];

const floors = [
  floor('the ground floor (condition, rule, diagnostics, files, assets, templates)', BASE, [
    'ir',
    'regex',
    ...ABOVE_IR,
  ]),
  floor('src/regex', ['src/regex/**'], ['outsideRegex']),
  floor('src/ir', ['src/ir/**'], ABOVE_IR),
  floor(
    'src/pipeline',
    ['src/pipeline/**'],
    ['lowering', 'evaluate', 'backendTs', 'settings', 'batch', 'cli', 'backends'],
  ),
  floor(
    'src/lowering',
    ['src/lowering/**'],
    ['evaluate', 'backendTs', 'settings', 'batch', 'cli', 'backends'],
  ),
  floor('src/evaluate', ['src/evaluate/**'], ['cli', 'backends']),
  floor(
    'a core file',
    ['src/**'],
    ['backends'],
    [...BASE, ...REGISTRY_USERS, 'src/{regex,ir,pipeline,lowering,evaluate}/**'],
  ),
  floor('a core file', REGISTRY_USERS, ['backendsBeyondRegistry']),
  floor(
    'a backend',
    ['backends/**'],
    ['batch', 'cli', 'evaluate', 'publicApi', 'otherBackend'],
    ELASTIC_FAMILY,
  ),
  // The Elastic family: EQL maps with the Elastic target's ECS pipelines and field types, and the
  // Elastic target's detection rules write EQL where only EQL is exact (issue #14).
  floor('an Elastic backend', ELASTIC_FAMILY, ['batch', 'cli', 'evaluate', 'publicApi', 'nonElasticBackend']),
  // The core (src/core.ts and all it reaches: conversion from text to results) runs in the
  // browser too (web/, src/host.ts): no Node module and nothing of the Node side. Its file and
  // process I/O is the Node side's: src/node/, the batch run, inputs, cache, threads, the Node API.
];

/**
 * The core floor: src/core.ts and all it reaches (conversion from text to results) runs in the
 * browser too (web/, src/host.ts), so it imports no Node module and nothing of the Node side. A
 * rule of its own (`@typescript-eslint/no-restricted-imports`, static imports and re-exports) so
 * that it adds to the floors above instead of replacing them; a dynamic `import('node:...')`
 * fails the browser bundle of test/web/core-bundle.test.ts.
 */
function coreFloor(files, forbidden, ignores = []) {
  const message = (what) => `the core must not import ${what}: it runs in the browser (src/host.ts)`;
  return {
    files,
    ignores,
    rules: {
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate'].map(
          (name) => ({
            name,
            message: `the core must not use Node's ${name}: it runs in the browser (src/host.ts)`,
          }),
        ),
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: forbidden.map((k) => ({ regex: NO[k][0], message: message(NO[k][1]) })) },
      ],
    },
  };
}
const coreFloors = [
  coreFloor(['src/*.ts'], ['node', 'nodeSideTop'], NODE_SIDE),
  coreFloor(['src/*/**'], ['node', 'nodeSideSub'], NODE_SIDE),
  coreFloor(['backends/**'], ['node', 'nodeSideBackend']),
  // The playground's page and worker use the core only (src/core.ts), never the Node API.
  coreFloor(['web/**'], ['node', 'nodeSideBackend']),
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'web/dist/',
      'scratch/',
      'node_modules/',
      'coverage/',
      '**/*.mjs',
      'jest.config.js',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The CommonJS launcher of the bundle (plain JavaScript run by Node).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...floors,
  ...coreFloors,
);
