/**
 * Writes the OpenAPI document generated from the router to `openapi.json` at the repository
 * root. The file is committed: a test fails when the served document differs from it, so a
 * contract change is always a reviewed diff of this file. Run `pnpm openapi` after changing a
 * procedure's input, output or meta.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../src/openapi';

export const COMMITTED_OPENAPI_PATH = fileURLToPath(new URL('../../../openapi.json', import.meta.url));

writeFileSync(COMMITTED_OPENAPI_PATH, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${COMMITTED_OPENAPI_PATH}`);
