// The yardstick of `pnpm bench`: List Datasets written by hand, as a careful engineer would
// without a framework — node:http, better-sqlite3 prepared statements, the product's own
// database file and the same JSON answer (auth, org check, filters, total and page). It shares
// no code with the product on purpose: it measures what the endpoint costs at its simplest.
//
//   DATABASE_URL=/path/to/znyx.db PORT=0 node apps/server/bench/reference-server.mjs
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const db = new Database(process.env.DATABASE_URL, { readonly: true });
db.pragma('journal_mode = WAL');

const tokenByHash = db.prepare(
  'SELECT org_id, scopes, expires_at, revoked_at FROM api_tokens WHERE token_hash = ?',
);
const SOURCES = new Set(['znyx_sample', 'industry_standard', 'customer']);
const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COLUMNS =
  'id, name, description, category, trust_level, source, sample_count, is_public, created_by, created_at, updated_at';
const ORDER = 'ORDER BY created_at DESC, name, id';

// One prepared pair (count, page) per filter shape, made once.
const statements = new Map();
function statementsFor(hasSource, categoryCount) {
  const key = `${hasSource}:${categoryCount}`;
  let found = statements.get(key);
  if (!found) {
    const where = ['org_id = ?'];
    if (hasSource) where.push('source = ?');
    if (categoryCount > 0) where.push(`category IN (${Array(categoryCount).fill('?').join(', ')})`);
    const clause = where.join(' AND ');
    found = {
      count: db.prepare(`SELECT count(*) AS n FROM datasets WHERE ${clause}`).pluck(),
      // LIMIT and OFFSET behind a CAST: bare, SQLite prepares the statement again on every run.
      page: db.prepare(
        `SELECT ${COLUMNS} FROM datasets WHERE ${clause} ${ORDER} LIMIT CAST(? AS BIGINT) OFFSET CAST(? AS BIGINT)`,
      ),
    };
    statements.set(key, found);
  }
  return found;
}

function send(res, status, body, headers = {}) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

const issue = (loc, msg, type) => ({ detail: [{ loc, msg, type }] });

function integer(params, name, min, max, fallback) {
  const values = params.getAll(name);
  if (values.length === 0) return fallback;
  if (values.length > 1 || !/^\d+$/.test(values[0]))
    return issue(['query', name], 'Input should be a valid integer', 'int_parsing');
  const value = Number(values[0]);
  if (value < min || value > max)
    return issue(['query', name], `Input should be between ${min} and ${max}`, 'range');
  return value;
}

function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const match = /^\/v1\/orgs\/([^/]+)\/datasets$/.exec(url.pathname);
  if (req.method !== 'GET' || !match) return send(res, 404, { detail: 'Not Found' });

  const auth = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
  if (!auth) return send(res, 401, { detail: 'Not authenticated' }, { 'WWW-Authenticate': 'Bearer' });
  const token = tokenByHash.get(createHash('sha256').update(auth[1]).digest('hex'));
  if (!token || token.revoked_at || (token.expires_at && token.expires_at <= Date.now())) {
    return send(res, 401, { detail: 'Invalid authentication credentials' }, { 'WWW-Authenticate': 'Bearer' });
  }

  const orgId = match[1].toLowerCase();
  if (!UUID.test(orgId))
    return send(res, 422, issue(['path', 'org_id'], 'Input should be a valid UUID', 'uuid_parsing'));
  const params = url.searchParams;
  const limit = integer(params, 'limit', 1, 200, 50);
  if (typeof limit !== 'number') return send(res, 422, limit);
  const offset = integer(params, 'offset', 0, Number.MAX_SAFE_INTEGER, 0);
  if (typeof offset !== 'number') return send(res, 422, offset);
  const source = params.get('source');
  if (source !== null && !SOURCES.has(source))
    return send(res, 422, issue(['query', 'source'], 'Invalid source', 'enum'));
  const categories = [
    ...params.getAll('category'),
    ...params.getAll('categories').flatMap((v) => v.split(',')),
  ]
    .map((c) => c.trim().toLowerCase())
    .filter(Boolean);
  if (categories.some((c) => !SLUG.test(c)))
    return send(res, 422, issue(['query', 'categories'], 'Invalid category', 'string_pattern_mismatch'));

  if (token.org_id !== orgId || !JSON.parse(token.scopes).includes('read')) {
    return send(res, 403, { detail: 'Token does not have access to this organization' });
  }

  const wanted = [...new Set(categories)];
  const { count, page } = statementsFor(source !== null, wanted.length);
  const filters = [orgId, ...(source !== null ? [source] : []), ...wanted];
  const total = count.get(...filters);
  const datasets = page.all(...filters, limit, offset).map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    trust_level: row.trust_level,
    source: row.source,
    sample_count: row.sample_count,
    is_public: row.is_public === 1,
    created_by: row.created_by,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  }));
  send(res, 200, { total, limit, offset, datasets });
}

const server = createServer(handle);
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address();
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
