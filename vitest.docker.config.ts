import { defineConfig } from 'vitest/config';

// npm run test:docker (scripts/test-docker.sh) runs these against the image it built; npm test does not.
export default defineConfig({
  test: {
    include: ['test/docker/**/*.docker.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
