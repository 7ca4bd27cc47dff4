import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT_PACKAGE = fileURLToPath(new URL('../../../package.json', import.meta.url));

/**
 * The node options `pnpm start` gives the production bundle, read from the root package.json's
 * `start` script (`… exec node <options> apps/server/dist/main.mjs`), so a benchmark runs the
 * server exactly as production does and cannot drift from it.
 */
export function productionNodeOptions(): string[] {
  const scripts = (JSON.parse(readFileSync(ROOT_PACKAGE, 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const match = /\bexec node((?: --[\w-]+(?:=\S+)?)*) apps\/server\/dist\/main\.mjs/.exec(
    scripts.start ?? '',
  );
  if (!match) throw new Error('the root package.json start script does not run apps/server/dist/main.mjs');
  return (match[1] ?? '').trim().split(' ').filter(Boolean);
}
