import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'console',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Every response of the app is checked against openapi.json after each test.
    setupFiles: ['@znyx/server/contract-setup'],
  },
});
