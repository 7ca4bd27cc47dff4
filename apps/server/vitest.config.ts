import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every response of the app is checked against openapi.json after each test.
    setupFiles: ['./src/contract-setup.ts'],
  },
});
