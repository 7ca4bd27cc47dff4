import { createHash } from 'node:crypto';
import type { DatasetSource, ListPosition } from '@znyx/db';
import { LRUCache } from 'lru-cache';

/**
 * List Datasets' keyset cursors: opaque to clients, base64url JSON holding the last row's place
 * in the list order and a fingerprint of the filters it was minted under, so a cursor cannot be
 * replayed against another filter (it would skip or repeat rows there).
 */

/** The filters a walk keeps from page to page. */
export interface CursorFilters {
  source?: DatasetSource;
  categories: readonly string[];
  nameContains?: string;
}

interface CursorBody {
  /** created_at, in ms since the epoch */
  c: number;
  /** name */
  n: string;
  /** id */
  i: string;
  /** filters' fingerprint */
  f: string;
}

/** Cursors are base64url; no valid one is longer (a 200-character name makes about 400). */
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,1024}$/;

export function encodeCursor(position: ListPosition, filters: CursorFilters): string {
  const body: CursorBody = {
    c: position.createdAt.getTime(),
    n: position.name,
    i: position.id,
    f: fingerprint(filters),
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export type CursorProblem = 'malformed' | 'other_filters';

/** The position a cursor continues after, or what is wrong with it. */
export function decodeCursor(cursor: string, filters: CursorFilters): ListPosition | CursorProblem {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return 'malformed';
  }
  if (!isCursorBody(body)) return 'malformed';
  if (body.f !== fingerprint(filters)) return 'other_filters';
  return { createdAt: new Date(body.c), name: body.n, id: body.i };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function isCursorBody(value: unknown): value is CursorBody {
  if (value === null || typeof value !== 'object') return false;
  const { c, n, i, f } = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(c) &&
    (c as number) >= 0 &&
    typeof n === 'string' &&
    n.length <= 200 &&
    typeof i === 'string' &&
    UUID.test(i) &&
    typeof f === 'string'
  );
}

/** Fingerprints of the filters in use: every page of a walk needs its filters' one. */
const fingerprints = new LRUCache<string, string>({ max: 1_000 });

/** The same for filters that select the same rows: categories as a set, the name search ASCII-folded. */
function fingerprint(filters: CursorFilters): string {
  const canonical = JSON.stringify([
    filters.source ?? null,
    [...new Set(filters.categories)].sort(),
    filters.nameContains ? filters.nameContains.replace(/[A-Z]/g, (c) => c.toLowerCase()) : null,
  ]);
  let found = fingerprints.get(canonical);
  if (found === undefined) {
    found = createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
    fingerprints.set(canonical, found);
  }
  return found;
}
