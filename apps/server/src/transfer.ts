import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { type Context, exportSamples, importSamples } from '@znyx/api';
import express, { type Request, type Response } from 'express';
import { recordCallError } from './errors';
import { originalMethod } from './request-log';
import { answerEtag, CACHE_CONTROL, matches, sendError } from './rest';

export interface TransferDeps {
  createContext: (req: IncomingMessage, res: ServerResponse) => Context;
  /** Part of every ETag (see rest.ts). */
  revision: string;
}

const IMPORT_PATH = /^\/v1\/orgs\/([^/]+)\/datasets\/([^/]+)\/import\/?$/;
const EXPORT_PATH = /^\/v1\/orgs\/([^/]+)\/datasets\/([^/]+)\/export\/?$/;

/**
 * The path parameters of a matched route, percent-decoded here rather than by Express (which
 * answers a bad encoding with its own 400): one that does not decode stays as sent, and the
 * service answers the 422 of its `loc`, as for every other operation.
 */
function pathParams(match: RegExpExecArray): Record<string, string> {
  const decode = (raw: string) => {
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  };
  return { org_id: decode(match[1] as string), dataset_id: decode(match[2] as string) };
}

/**
 * The streaming REST routes, import and export of a dataset's samples: thin adapters over the
 * services of packages/api (services/sample-transfer.ts), which make every check a procedure
 * makes. Errors leave in the shape and with the headers of every other REST answer.
 */
export function transferRoutes(deps: TransferDeps): express.Router {
  const router = express.Router();

  router.post(/\/import\/?$/, async (req, res, next) => {
    const match = IMPORT_PATH.exec(req.path);
    if (!match) return next();
    try {
      const appended = await importSamples(deps.createContext(req, res), {
        params: pathParams(match),
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        // The request stays open when the service stops reading early: the answer still has to go out.
        body: req.iterator({ destroyOnReturn: false }),
      });
      res.status(201).json({ added: appended.added, sample_count: appended.sampleCount });
    } catch (error) {
      await failed(req, res, error, 'datasets.import');
    }
  });

  router.get(/\/export\/?$/, async (req, res, next) => {
    const match = EXPORT_PATH.exec(req.path);
    if (!match) return next();
    let started = false;
    try {
      const file = await exportSamples(deps.createContext(req, res), {
        params: pathParams(match),
        query: req.query,
      });
      const etag = file.version === null ? undefined : answerEtag(file.version, deps.revision);
      res.setHeader('Content-Type', file.format === 'csv' ? 'text/csv; charset=utf-8' : file.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
      res.setHeader('Cache-Control', CACHE_CONTROL);
      if (etag) res.setHeader('ETag', etag);
      if (etag && matches(req.headers['if-none-match'], etag)) {
        res.removeHeader('Content-Type');
        res.removeHeader('Content-Disposition');
        res.status(304).end();
        return;
      }
      if (originalMethod(req) === 'HEAD') {
        res.status(200).end();
        return;
      }
      res.status(200);
      started = true;
      for await (const chunk of file.chunks) {
        if (res.destroyed) return;
        if (!res.write(chunk)) await drained(res);
      }
      res.end();
    } catch (error) {
      if (!started) {
        await failed(req, res, error, 'datasets.export');
        return;
      }
      // The status is sent already: the client sees the transfer cut short, never a complete-looking file.
      recordCallError(req, asTrpcError(error), 'datasets.export');
      res.destroy();
    }
  });

  return router;
}

/** What is read, at most, of a body still arriving behind a refusal, before the answer goes out. */
const REFUSED_BODY_DRAIN_BYTES = 1024 * 1024;
const REFUSED_BODY_DRAIN_MS = 2_000;

async function failed(req: Request, res: Response, error: unknown, procedure: string): Promise<void> {
  recordCallError(req, asTrpcError(error), procedure);
  // A client still sending a small body reads the answer rather than a reset connection.
  await drainRefusedBody(req);
  // A body not read to its end is not read at all: the connection closes after the answer.
  if (!req.complete) res.setHeader('Connection', 'close');
  sendError(res, error);
}

/**
 * Reads and drops what is left of a refused request body, up to REFUSED_BODY_DRAIN_BYTES or
 * REFUSED_BODY_DRAIN_MS. Closing a connection with unread data in it resets it, and a client
 * that is still writing (most send the headers first, then the body) would see the reset, not
 * the 403 or 422; past the bound the answer goes out and the connection closes.
 */
function drainRefusedBody(req: Request): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let left = REFUSED_BODY_DRAIN_BYTES;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', done);
      req.off('close', done);
      req.off('error', done);
      req.pause();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      left -= chunk.length;
      if (left <= 0) done();
    };
    const timer = setTimeout(done, REFUSED_BODY_DRAIN_MS);
    req.on('data', onData);
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}

function asTrpcError(error: unknown): TRPCError {
  return error instanceof TRPCError ? error : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
}

/** Resolves when the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
