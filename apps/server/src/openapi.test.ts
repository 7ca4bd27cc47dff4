import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-support';

/** The contract is the committed openapi.json: what is served must be exactly that file. */
const COMMITTED = fileURLToPath(new URL('../../../openapi.json', import.meta.url));

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('the OpenAPI document', () => {
  it('served at /openapi.json is exactly the committed openapi.json (run `pnpm openapi` after a deliberate change)', async () => {
    const served = await (await fetch(`${server.url}/openapi.json`)).json();
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(served).toEqual(committed);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    const result = await validate(committed);
    expect(result.valid ? [] : result.errors, JSON.stringify(result)).toEqual([]);
    expect(result.valid && result.warnings).toEqual([]);
    expect(committed.openapi).toBe('3.1.0');
  });

  it('documents both security schemes and an error body for every error status of every operation', async () => {
    const doc = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['APIKeyHeader', 'HTTPBearer']);
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(
      doc.paths,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const schema = (response as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.[
            'application/json'
          ]?.schema?.$ref;
          expect(schema, `${method} ${path} ${status}`).toBe(
            status === '422' ? '#/components/schemas/HTTPValidationError' : '#/components/schemas/HTTPError',
          );
        }
      }
    }
  });
});
