import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './server';

describe('createHttpServer', () => {
  const app = express();
  const server = createHttpServer(app);
  const seen: { entering: [object | null, object | null]; inExpress: [object | null, object | null] }[] = [];
  let entering: [object | null, object | null] = [null, null];
  let url = '';

  beforeAll(async () => {
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      entering = [Object.getPrototypeOf(req), Object.getPrototypeOf(res)];
    });
    app.get('/probe', (req, res) => {
      seen.push({ entering, inExpress: [Object.getPrototypeOf(req), Object.getPrototypeOf(res)] });
      // Express's request and response API, through the prototypes it set.
      res.status(201).json({ path: req.path, query: req.query, host: req.hostname, app: req.app === app });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('makes requests and responses with the prototypes Express gives them, so it changes none', async () => {
    const answer = await fetch(`${url}/probe?x=1`);
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ path: '/probe', query: { x: '1' }, host: '127.0.0.1', app: true });
    expect(seen).toHaveLength(1);
    const [{ entering: before, inExpress: inside }] = seen as [(typeof seen)[number]];
    expect(before[0]).toBe(app.request);
    expect(before[1]).toBe(app.response);
    expect(inside).toEqual(before);
  });
});
