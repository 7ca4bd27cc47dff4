/**
 * A procedure accepts and rejects exactly the same input over REST and over tRPC, whatever was
 * called before in the same process: the same inputs go to tRPC first (a fresh process), then
 * to REST, then to tRPC again. A REST validation error (422) is a tRPC UNPROCESSABLE_CONTENT
 * (HTTP 422); a REST success is a tRPC success.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createOrgWithTokens, startTestServer } from './test-support';

let server: Awaited<ReturnType<typeof startTestServer>>;
let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;
beforeAll(async () => {
  server = await startTestServer();
  tokens = await createOrgWithTokens(server.store, 'Parity');
});
afterAll(async () => {
  await server?.close();
});

type Outcome = 'accepted' | 'rejected (422)' | `other ${number}`;
const outcome = (status: number, success: number[]): Outcome =>
  success.includes(status) ? 'accepted' : status === 422 ? 'rejected (422)' : `other ${status}`;

/** `is_public` as sent in a create body: only `true` and `false` are booleans. */
const IS_PUBLIC: [string, unknown][] = [
  ['"false"', 'false'],
  ['"true"', 'true'],
  ['"0"', '0'],
  ['""', ''],
  ['[]', []],
  ['{}', {}],
  ['0', 0],
  ['1', 1],
  ['null', null],
  ['true', true],
  ['false', false],
];
/** `limit` as a tRPC caller sends it: a number, or a decimal string (the REST query's form). */
const LIMIT: [string, unknown][] = [
  ['5', 5],
  ['"5"', '5'],
  ['true', true],
  ['"1e1"', '1e1'],
  ['"0x10"', '0x10'],
  ['" 5"', ' 5'],
  ['""', ''],
  ['[5]', [5]],
  ['null', null],
];

let names = 0;
const uniqueName = () => `Parity ${++names}`;

async function createOverTrpc(isPublic: unknown): Promise<Outcome> {
  const res = await fetch(`${server.url}/trpc/datasets.create`, {
    method: 'POST',
    headers: { ...bearer(tokens.ci), 'Content-Type': 'application/json' },
    body: JSON.stringify({ org_id: tokens.org.id, name: uniqueName(), is_public: isPublic }),
  });
  await res.text();
  return outcome(res.status, [200]);
}

async function createOverRest(isPublic: unknown): Promise<Outcome> {
  const res = await fetch(`${server.url}/v1/orgs/${tokens.org.id}/datasets`, {
    method: 'POST',
    headers: { ...bearer(tokens.ci), 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: uniqueName(), is_public: isPublic }),
  });
  await res.text();
  return outcome(res.status, [201]);
}

async function listOverTrpc(limit: unknown): Promise<Outcome> {
  const input = encodeURIComponent(JSON.stringify({ org_id: tokens.org.id, limit }));
  const res = await fetch(`${server.url}/trpc/datasets.list?input=${input}`, {
    headers: bearer(tokens.runtime),
  });
  await res.text();
  return outcome(res.status, [200]);
}

async function listOverRest(limit: unknown): Promise<Outcome> {
  const values = Array.isArray(limit) ? limit : [limit];
  const query = values.map((v) => `limit=${encodeURIComponent(v === null ? 'null' : String(v))}`).join('&');
  const res = await fetch(`${server.url}/v1/orgs/${tokens.org.id}/datasets?${query}`, {
    headers: bearer(tokens.runtime),
  });
  await res.text();
  return outcome(res.status, [200]);
}

const table = async (cases: [string, unknown][], send: (value: unknown) => Promise<Outcome>) => {
  const result: Record<string, Outcome> = {};
  for (const [label, value] of cases) result[label] = await send(value);
  return result;
};

describe('the same input over REST and over tRPC', () => {
  // In this order, in one process: tRPC before any REST call, REST, tRPC again.
  let trpcBefore: Record<string, Outcome>;
  let rest: Record<string, Outcome>;
  let trpcAfter: Record<string, Outcome>;
  let listBefore: Record<string, Outcome>;
  let listRest: Record<string, Outcome>;
  let listAfter: Record<string, Outcome>;
  beforeAll(async () => {
    trpcBefore = await table(IS_PUBLIC, createOverTrpc);
    listBefore = await table(LIMIT, listOverTrpc);
    rest = await table(IS_PUBLIC, createOverRest);
    // Over REST a query value is text: a number or a JSON string is sent as its characters.
    listRest = await table(LIMIT, listOverRest);
    trpcAfter = await table(IS_PUBLIC, createOverTrpc);
    listAfter = await table(LIMIT, listOverTrpc);
  });

  it('create: a boolean is true or false only, on both transports', () => {
    const expected = Object.fromEntries(
      IS_PUBLIC.map(([label, v]) => [label, typeof v === 'boolean' ? 'accepted' : 'rejected (422)']),
    );
    expect({ trpc: trpcBefore, rest }).toEqual({ trpc: expected, rest: expected });
  });

  it('create: REST accepts and rejects what tRPC does', () => {
    expect(rest).toEqual(trpcBefore);
  });

  it('create and list: REST calls do not change what tRPC accepts', () => {
    expect({ create: trpcAfter, list: listAfter }).toEqual({ create: trpcBefore, list: listBefore });
  });

  it('list: a limit is an integer or its decimal text, on both transports', () => {
    const decimal = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
    const expected = Object.fromEntries(
      LIMIT.map(([label, v]) => [label, decimal(v) ? 'accepted' : 'rejected (422)']),
    );
    // `[5]` over REST is one `limit=5`: the query string cannot tell a list of one from a value.
    expect(listBefore).toEqual(expected);
    expect({ ...listRest, '[5]': 'rejected (422)' }).toEqual(expected);
  });
});
