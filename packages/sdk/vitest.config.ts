import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'sdk',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every response of the app is checked against openapi.json after each test.
    setupFiles: ['@znyx/server/contract-setup'],
  },
});
