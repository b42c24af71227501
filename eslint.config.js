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
  otherBackend: [String.raw`^\.\./(?!\.\./|common/|src/)`, 'another backend'],
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
const REGISTRY_USERS = ['src/run.ts', 'src/cli/commands.ts', 'src/index.ts'];
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
  floor('a backend', ['backends/**'], ['batch', 'cli', 'evaluate', 'publicApi', 'otherBackend']),
];

export default tseslint.config(
  {
    ignores: [
      'dist/',
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
);
