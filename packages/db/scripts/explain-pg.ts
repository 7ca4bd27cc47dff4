/**
 * List Datasets' query plans on PostgreSQL at scale: 1,000,000 datasets across 1,000 orgs in a
 * fresh database, then EXPLAIN (and one timed call) for every documented filter, and for a page
 * at 90 % depth reached by cursor. Fails (exit 1) if any plan reads `datasets` with a sequential
 * scan, if a page reads no `datasets_org_*` index (or an index range not cut by a Limit), or if a total is
 * counted over datasets instead of summed from dataset_counts. The database is dropped afterwards.
 *
 *   pnpm --filter @znyx/db explain:pg                  # EXPLAIN_ORGS=1000 EXPLAIN_PER_ORG=1000
 */

import type { DatasetSource, ListDatasetsParams } from '../src/model';
import { createPgStore } from '../src/pg/pg-store';
import { createTestDatabase, explainListDatasets } from '../src/testing';

const ORGS = Number(process.env.EXPLAIN_ORGS ?? 1000);
const PER_ORG = Number(process.env.EXPLAIN_PER_ORG ?? 1000);
const CATEGORIES = [
  'jailbreak',
  'pii',
  'toxicity',
  'prompt_injection',
  'bias',
  'hallucination',
  'rag_grounding',
  'refusal',
  'summarization',
  'customer_support',
  'finance_qa',
  'code_generation',
];

async function main(): Promise<number> {
  const db = await createTestDatabase('postgres');
  const store = await createPgStore(db.url, { statementTimeoutMs: 600_000 });
  try {
    let started = performance.now();
    await db.query(
      `INSERT INTO orgs (id, name, created_at)
       SELECT gen_random_uuid(), 'Org ' || g, now() FROM generate_series(1, ?::int) g`,
      [ORGS],
    );
    // ~1% ZNYX samples, ~3% industry benchmarks, the rest customer data; 12 categories, a
    // few without one; creation times spread over a year.
    await db.query(
      `INSERT INTO datasets (id, org_id, name, category, trust_level, source, sample_count, is_public,
                             catalog_slug, created_at, updated_at)
       SELECT gen_random_uuid(), o.id, 'Dataset ' || g,
              CASE WHEN g % 37 = 0 THEN NULL ELSE (?::text[])[1 + g % 12] END,
              (CASE WHEN g % 100 = 0 THEN 'verified' WHEN g % 100 < 4 THEN 'reviewed' ELSE 'unverified' END)::trust_level,
              (CASE WHEN g % 100 = 0 THEN 'znyx_sample' WHEN g % 100 < 4 THEN 'industry_standard' ELSE 'customer' END)::dataset_source,
              g % 500, g % 100 < 4,
              CASE WHEN g % 100 < 4 THEN 'catalog-' || g END,
              t.at, t.at
       FROM orgs o
       CROSS JOIN generate_series(1, ?::int) g
       CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', now() - random() * interval '365 days') AS at) t`,
      [CATEGORIES, PER_ORG],
    );
    // What autovacuum would have done by now: statistics, and a visibility map for index-only scans.
    await db.query('VACUUM ANALYZE');
    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM datasets')) as [{ n: string }];
    console.log(
      `seeded ${Number(n).toLocaleString()} datasets in ${ORGS} orgs in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );

    const [{ id: orgId }] = (await db.query<{ id: string }>('SELECT id FROM orgs ORDER BY name LIMIT 1')) as [
      { id: string },
    ];
    // A cursor at 90 % of the org's datasets, walked to the way a client would.
    let after: ListDatasetsParams['after'];
    for (let seen = 0; seen + 200 <= PER_ORG * 0.9; seen += 200) {
      after = (await store.listDatasets({ orgId, limit: 200, offset: 0, after })).next ?? undefined;
    }
    const cases: [string, Partial<ListDatasetsParams>][] = [
      ['no filter', {}],
      ['source=customer', { source: 'customer' as DatasetSource }],
      ['source=industry_standard', { source: 'industry_standard' as DatasetSource }],
      ['category=pii', { categories: ['pii'] }],
      ['categories=pii,toxicity,bias', { categories: ['pii', 'toxicity', 'bias'] }],
      ['categories with no match', { categories: ['nothing-here'] }],
      ['source + categories', { source: 'customer' as DatasetSource, categories: ['pii', 'bias'] }],
      ['cursor at 90 %', { after }],
      ['offset 900', { offset: 900 }],
    ];
    let failures = 0;
    for (const [name, filter] of cases) {
      const params: ListDatasetsParams = { orgId, limit: 50, offset: 0, ...filter };
      const plan = await explainListDatasets(db.url, params);
      started = performance.now();
      const page = await store.listDatasets(params);
      const ms = performance.now() - started;
      const lines = plan.map((line) => line.trim());
      // An ordered index range cut by a Limit (the common case), or, for a filter the planner
      // knows to be rare, a bitmap scan of an org index and a sort of those few rows.
      const ranges = lines.flatMap((line, i) =>
        /Index (Only )?Scan (Backward )?using datasets_org_\w+ on datasets/.test(line)
          ? [lines[i - 1] ?? '']
          : [],
      );
      const bitmaps = lines.filter((line) => /Bitmap Index Scan on datasets_org_\w+/.test(line));
      const problems = [
        ...lines.filter((line) => /Seq Scan on datasets\b/.test(line)).map((l) => `sequential scan: ${l}`),
        ...(ranges.length + bitmaps.length === 0 ? ['the page reads no datasets_org_* index'] : []),
        ...(ranges.length > 0 && !plan.some((line) => /\bLimit\b/.test(line))
          ? ['no Limit cuts the page']
          : []),
        ...(plan.join('\n').includes('dataset_counts') ? [] : ['the total is not taken from dataset_counts']),
      ];
      failures += problems.length;
      console.log(`== ${name}: total ${page.total}, ${page.datasets.length} rows, ${ms.toFixed(1)} ms`);
      for (const line of plan) console.log(`   ${line}`);
      for (const problem of problems) console.log(`   !! ${problem}`);
    }
    console.log(
      failures === 0
        ? '\nevery page is read off an org index, every total a sum of counters; no sequential scan'
        : `\n${failures} problem(s)`,
    );
    return failures === 0 ? 0 : 1;
  } finally {
    await store.close();
    await db.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
