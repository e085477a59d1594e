import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Files that need a process of their own: control-token mocks node:crypto before src/ is imported,
// which cannot work once another file in the same worker has loaded src/.
const isolated = ['test/control-token.test.ts'];

export default defineConfig({
  resolve: {
    // examples/ import the package by name, as an integrator would; here it is the source.
    alias: { 'axys-mock': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    pool: 'forks',
    // one worker per core (vitest's default leaves one idle): much of the suite waits on processes it
    // started (npm, tsc, the CLI, pytest, javac), and a second worker runs files meanwhile
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 20000,
    hookTimeout: 30000,
    projects: [
      {
        // One worker process runs many files: express, the validator library and the compiled specs are
        // loaded once per worker instead of once per file (about half the suite's CPU time).
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...isolated],
          isolate: false,
          // compiles src/ once for the tests that start the CLI as its own process
          globalSetup: ['test/global-setup.ts'],
        },
      },
      { extends: true, test: { name: 'isolated', include: isolated } },
    ],
  },
});
