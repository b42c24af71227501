/**
 * Jest setup (jest.config.js `setupFiles`): installs the Node host (src/node/host.ts) before each
 * test file, as the library entry and the CLI do, so that tests importing core modules directly
 * (a backend, the pipelines) read the shipped files from the package root.
 */
import '../../src/node/host.js';
