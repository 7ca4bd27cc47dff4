// Production bundle: dist/main.mjs (server) and dist/cli.mjs (operator CLI), with the SQLite
// migrations copied beside them. Native and file-serving packages stay external and are
// resolved from node_modules at run time.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Whitespace and syntax only: identifiers (and so stack frames and profiles) keep their names. A
  // comment with one non-ASCII character would make V8 hold the whole source as UTF-16.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  charset: 'ascii',
  external: ['better-sqlite3', 'swagger-ui-express', 'swagger-ui-dist'],
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
cpSync('../../packages/db/src/migrations', 'dist/migrations', { recursive: true });
