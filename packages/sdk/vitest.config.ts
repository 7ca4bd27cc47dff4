import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'sdk', testTimeout: 60_000, hookTimeout: 120_000 } });
