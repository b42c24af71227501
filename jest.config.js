/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/support/node-host.ts'],
  // The corpus tests and the packed-package test run in .ci/run (npm run test:corpus, test:package).
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.SIGMANTIC_CORPUS ? [] : ['/test/corpus/']),
    ...(process.env.SIGMANTIC_PACKAGE ? [] : ['/test/package/']),
  ],
};
