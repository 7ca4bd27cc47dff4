import { defineConfig } from 'tsup';

/**
 * ESM (`dist/index.js`) + CommonJS (`dist/index.cjs`) with their declarations
 * (`index.d.ts`, `index.d.cts`). `platform: 'neutral'` makes any Node built-in import a build
 * error: the SDK must also run in browsers and edge runtimes.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  clean: true,
  outDir: 'dist',
});
