/**
 * The procedures' input schemas, as the REST adapter and tRPC share them: a query-string value
 * is always text, so a bare number, boolean, bigint or date in a GET input could only pass
 * through a coercion the document does not show; and serving REST requests must not change the
 * schemas (trpc-to-openapi's `coerceSchema` sets `coerce` on the shared zod nodes, after which
 * tRPC too accepts `"false"` as true).
 */
import { appRouter, integerParam } from '@znyx/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

type Node = z.core.$ZodType;
interface Procedure {
  _def: { type: string; inputs: Node[]; meta?: { openapi?: { method: string } } };
}
const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
const COERCIBLE = new Set(['number', 'int', 'boolean', 'bigint', 'date']);

/** The preprocess step of `integerParam`, by its code (every call makes a new closure). */
const INTEGER_PARAM_PREPROCESS = preprocessOf(integerParam(0, 1, 0, 'reference'));

function preprocessOf(schema: Node): string | undefined {
  const pipe = (schema._zod.def as { innerType?: Node }).innerType;
  const input = (pipe?._zod.def as { in?: Node } | undefined)?.in;
  const transform = (input?._zod.def as { transform?: (...args: unknown[]) => unknown } | undefined)
    ?.transform;
  return transform?.toString();
}

interface Visit {
  node: Node;
  path: string;
  /** Inside `integerParam`'s explicit preprocess: the one sanctioned way to read a number from text. */
  inIntegerParam: boolean;
}

/** Every node of a schema, with its path (`.samples[].metadata{}`), each visited once. */
function walk(root: Node, visit: (v: Visit) => void): void {
  const seen = new Set<Node>();
  const go = (node: Node | undefined, path: string, inIntegerParam: boolean) => {
    if (!node || seen.has(node)) return;
    seen.add(node);
    visit({ node, path, inIntegerParam });
    const def = node._zod.def as unknown as Record<string, unknown>;
    const child = (key: string, suffix = '') =>
      go(def[key] as Node | undefined, path + suffix, inIntegerParam);
    switch (def.type) {
      case 'object':
        for (const [key, value] of Object.entries(def.shape as Record<string, Node>))
          go(value, `${path}.${key}`, false);
        if (def.catchall) child('catchall', '{}');
        break;
      case 'array':
        child('element', '[]');
        break;
      case 'union':
        for (const option of def.options as Node[]) go(option, path, inIntegerParam);
        break;
      case 'intersection':
        child('left');
        child('right');
        break;
      case 'record':
      case 'map':
        child('keyType', '{key}');
        child('valueType', '{}');
        break;
      case 'set':
        child('valueType', '[]');
        break;
      case 'tuple':
        (def.items as Node[]).forEach((item, i) => {
          go(item, `${path}[${i}]`, inIntegerParam);
        });
        if (def.rest) child('rest', '[]');
        break;
      case 'pipe': {
        const preprocess = (def.in as Node)._zod.def as { type: string; transform?: () => unknown };
        const sanctioned =
          inIntegerParam ||
          (preprocess.type === 'transform' && preprocess.transform?.toString() === INTEGER_PARAM_PREPROCESS);
        go(def.in as Node, path, sanctioned);
        go(def.out as Node, path, sanctioned);
        break;
      }
      case 'lazy':
        go((def.getter as () => Node)(), path, inIntegerParam);
        break;
      default:
        // optional, nullable, default, prefault, nonoptional, readonly, catch, promise, success…
        if (def.innerType) child('innerType');
    }
  };
  go(root, '', false);
}

function everyInput(visit: (procedure: string, v: Visit) => void) {
  for (const [name, procedure] of PROCEDURES) {
    for (const input of procedure._def.inputs) walk(input, (v) => visit(name, v));
  }
}

function coercedNodes(): string[] {
  const found: string[] = [];
  everyInput((name, { node, path }) => {
    if ((node._zod.def as { coerce?: boolean }).coerce === true) {
      found.push(`${name} input${path || ' (root)'}: ${node._zod.def.type} has coerce: true`);
    }
  });
  return found;
}

describe('the input schemas', () => {
  it('hold no number, boolean, bigint or date in a GET input but through integerParam', () => {
    expect(INTEGER_PARAM_PREPROCESS, 'integerParam is a preprocess step').toBeDefined();
    const found: string[] = [];
    for (const [name, procedure] of PROCEDURES) {
      if (procedure._def.meta?.openapi?.method !== 'GET') continue;
      for (const input of procedure._def.inputs) {
        walk(input, ({ node, path, inIntegerParam }) => {
          if (COERCIBLE.has(node._zod.def.type) && !inIntegerParam) {
            found.push(`${name} input${path}: a bare ${node._zod.def.type}`);
          }
        });
      }
    }
    expect(found).toEqual([]);
  });

  it('finds what it looks for: a bare number in an object, and integerParam passes', async () => {
    const { z } = await import('zod');
    const paths: string[] = [];
    const probe = z.object({ page: integerParam(1, 10, 1, 'ok'), flag: z.boolean().optional() });
    walk(probe, ({ node, path, inIntegerParam }) => {
      if (COERCIBLE.has(node._zod.def.type)) paths.push(`${path}:${inIntegerParam ? 'sanctioned' : 'bare'}`);
    });
    expect(paths.sort()).toEqual(['.flag:bare', '.page:sanctioned']);
  });

  it('are not marked for coercion before any request', () => {
    expect(coercedNodes()).toEqual([]);
  });

  describe('after REST requests to every operation', () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('are still not marked for coercion (trpc-to-openapi must not mutate shared schemas)', async () => {
      const { org, admin } = await createOrgWithTokens(server.store, 'Coercion');
      const [dataset] = (
        await server.store.listDatasets({ orgId: org.id, categories: [], limit: 1, offset: 0 })
      ).datasets;
      const base = `${server.url}/v1/orgs/${org.id}`;
      const json = { ...bearer(admin), 'Content-Type': 'application/json' };
      const answers = await Promise.all([
        fetch(`${server.url}/v1/me`, { headers: bearer(admin) }),
        fetch(`${base}/datasets?limit=5&offset=0`, { headers: bearer(admin) }),
        fetch(`${base}/datasets/facets`, { headers: bearer(admin) }),
        fetch(`${base}/datasets/catalog?limit=5`, { headers: bearer(admin) }),
        fetch(`${base}/datasets/${dataset?.id}`, { headers: bearer(admin) }),
        fetch(`${base}/datasets/${dataset?.id}/samples?limit=5`, { headers: bearer(admin) }),
        fetch(`${base}/datasets`, {
          method: 'POST',
          headers: json,
          body: '{"name":"Coerced?","is_public":false}',
        }),
        fetch(`${base}/datasets/install`, {
          method: 'POST',
          headers: json,
          body: '{"catalog_id":"truthfulqa"}',
        }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200, 201, 201]);
      expect(coercedNodes()).toEqual([]);
    });
  });
});
