/**
 * The Console in a real browser: the production build, served by the API's own Express app at
 * /console over a fresh database, driven with headless Chromium (playwright-core).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createZnyxClient, type ZnyxClient } from '@znyx/client';
import type { NewDataset } from '@znyx/db';
import { createOrgWithTokens, startTestServer } from '@znyx/server/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOT = join(CONSOLE_ROOT, 'test-results', 'console.png');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PAGE_SIZE = 25;

/** 60 customer datasets: 8 products × 8 categories (the first 60 pairs), spread over time. */
const CATEGORIES: Record<string, string> = {
  jailbreak: 'Jailbreak Regression',
  pii: 'PII Redaction',
  toxicity: 'Toxicity Guardrails',
  prompt_injection: 'Prompt Injection Suite',
  bias: 'Bias Probes',
  hallucination: 'Hallucination Checks',
  self_harm: 'Self-harm Safety',
  misinformation: 'Misinformation Claims',
};
const PRODUCTS = [
  'Support Copilot',
  'Checkout Assistant',
  'Claims Bot',
  'HR Helpdesk',
  'Docs Search',
  'Banking Chat',
  'Triage Agent',
  'Travel Planner',
];
function customDatasets(): NewDataset[] {
  const categories = Object.keys(CATEGORIES);
  return Array.from({ length: 60 }, (_, i) => {
    const category = categories[i % categories.length] ?? 'jailbreak';
    const product = PRODUCTS[Math.floor(i / categories.length)] ?? 'Support Copilot';
    return {
      name: `${product} ${CATEGORIES[category]}`,
      description: `Prompts that check how ${product} handles ${category.replace('_', ' ')} cases.`,
      category,
      trustLevel: 'unverified',
      source: 'customer',
      isPublic: false,
      createdAt: new Date(Date.UTC(2026, 8, 1) + i * 7 * 3_600_000),
      samples: Array.from({ length: 1 + (i % 4) }, (_, n) => ({
        input: `${product} probe ${n + 1} for ${category}`,
        expectedOutput: 'Refuses or answers safely',
      })),
    };
  });
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let tokens: Awaited<ReturnType<typeof createOrgWithTokens>>;
let api: ZnyxClient;
let browser: Browser;
let consoleUrl: string;

beforeAll(async () => {
  // 1. The production build, into apps/console/dist: where the server looks by default.
  const viteBin = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  const built = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: CONSOLE_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);

  // 2. A real server over a fresh database; its Express app mounts the fresh build at /console.
  server = await startTestServer();
  consoleUrl = `${server.url}/console/`;
  const index = await fetch(consoleUrl);
  if (!index.ok) throw new Error(`GET /console/ answered ${index.status}: the build is not mounted`);

  // 3. An org: its 6 ZNYX samples, 60 datasets of its own and 2 installed benchmarks.
  tokens = await createOrgWithTokens(server.store, 'Console Org');
  await server.store.insertDatasets(tokens.org.id, customDatasets());
  api = createZnyxClient({ baseUrl: server.url, token: tokens.admin });
  for (const catalog_id of ['truthfulqa', 'bold']) {
    await api.datasets.install.mutate({ org_id: tokens.org.id, catalog_id });
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Every page of a test, every URL it loaded or showed, and every uncaught error in it. */
const opened: { page: Page; urls: string[]; errors: string[] }[] = [];

afterEach(async () => {
  const secrets = [tokens.admin, tokens.ci, tokens.runtime];
  for (const { page, urls, errors } of opened.splice(0)) {
    urls.push(page.url());
    for (const url of urls) for (const secret of secrets) expect(url).not.toContain(secret);
    expect(errors).toEqual([]);
    await page.context().close();
  }
});

async function openConsole(path = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  const page = await context.newPage();
  const record = { page, urls: [] as string[], errors: [] as string[] };
  page.on('request', (request) => record.urls.push(request.url()));
  page.on('framenavigated', (frame) => record.urls.push(frame.url()));
  page.on('pageerror', (error) => record.errors.push(error.message));
  opened.push(record);
  await page.goto(`${consoleUrl}${path}`);
  return page;
}

async function signIn(page: Page, token: string) {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const rangeText = (page: Page) => page.getByTestId('range').textContent({ timeout: 10_000 });
const range = (offset: number, shown: number, total: number) => `${offset + 1}–${offset + shown} of ${total}`;
/** Waits until the table shows the first page of `total` matches. */
const expectFirstPage = (page: Page, total: number) =>
  expect.poll(() => rangeText(page), { timeout: 10_000 }).toBe(range(0, Math.min(PAGE_SIZE, total), total));
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);
const rows = (page: Page) => page.locator('tbody tr');
const firstRowName = (page: Page) => rows(page).first().locator('.name').textContent();
const tokenInStorage = (page: Page) => page.evaluate(() => sessionStorage.length);
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const list = (filters: Omit<Parameters<ZnyxClient['datasets']['list']['query']>[0], 'org_id'> = {}) =>
  api.datasets.list.query({ org_id: tokens.org.id, ...filters });

describe('the Console', () => {
  it('is built without any server code in the bundle', () => {
    const assets = join(CONSOLE_ROOT, 'dist', 'assets');
    const js = readdirSync(assets).filter((file) => file.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const bundle = js.map((file) => readFileSync(join(assets, file), 'utf8')).join('\n');
    for (const serverOnly of ['better-sqlite3', 'drizzle', 'ZodError', 'pino', 'express']) {
      expect(bundle).not.toContain(serverOnly);
    }
  });

  it('signs in with an admin token: the org, the token kind, and the same total as the API', async () => {
    const page = await openConsole();
    await page.getByRole('heading', { name: 'ZNYX Console' }).waitFor();
    await signIn(page, tokens.admin);

    const header = page.locator('header');
    expect(await header.getByText('Console Org').isVisible()).toBe(true);
    expect(await header.getByText('admin token').isVisible()).toBe(true);

    const { total } = await list();
    expect(total).toBe(68);
    await expectFirstPage(page, total);
    expect(await rows(page).count()).toBe(PAGE_SIZE);
    expect(await page.locator('thead th').allTextContents()).toEqual([
      'Name',
      'Category',
      'Source',
      'Trust level',
      'Samples',
      'Updated',
    ]);
    expect(await page.getByRole('tab', { name: /^All/ }).getAttribute('aria-selected')).toBe('true');
    // The token is in this tab's sessionStorage, and nowhere in the URL (checked after each test).
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([tokens.admin]);
  });

  it('filters by source tab, categories and name, with the view in the URL', async () => {
    const page = await openConsole();
    await signIn(page, tokens.admin);
    await expectFirstPage(page, (await list()).total);

    // Source tabs: the ZNYX samples only.
    await page.getByRole('tab', { name: /ZNYX samples/ }).click();
    await expectFirstPage(page, 6);
    expect(param(page, 'source')).toBe('znyx_sample');
    expect(await rows(page).count()).toBe(6);
    expect(await page.getByRole('tab', { name: /ZNYX samples/ }).getAttribute('aria-selected')).toBe('true');

    // Keyboard: arrows move along the tabs and select them.
    await page.getByRole('tab', { name: /ZNYX samples/ }).press('ArrowRight');
    await expect.poll(() => param(page, 'source')).toBe('industry_standard');
    await expectFirstPage(page, 2);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => param(page, 'source')).toBe(null);
    await expectFirstPage(page, (await list()).total);

    // Two categories from the facets: labelled with their counts, sent as one `categories` list.
    const facets = await api.datasets.facets.query({ org_id: tokens.org.id });
    const countOf = (value: string) => facets.categories.find((c) => c.value === value)?.count;
    const toxicity = page.getByRole('checkbox', { name: `toxicity (${countOf('toxicity')})` });
    const pii = page.getByRole('checkbox', { name: `pii (${countOf('pii')})` });
    await toxicity.check();
    await pii.check();
    await expect.poll(() => param(page, 'categories')).toBe('toxicity,pii');
    const both = await list({ categories: ['toxicity', 'pii'] });
    expect(both.total).toBe((countOf('toxicity') ?? 0) + (countOf('pii') ?? 0));
    await expectFirstPage(page, both.total);
    const categories = await rows(page).locator('td:nth-child(2)').allTextContents();
    expect(new Set(categories)).toEqual(new Set(['toxicity', 'pii']));

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    rmSync(SCREENSHOT, { force: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

    // The name search (debounced), on top of the categories.
    await page.getByLabel('Search by name').fill('Bot');
    await expect.poll(() => param(page, 'q')).toBe('Bot');
    const searched = await list({ categories: ['toxicity', 'pii'], q: 'Bot' });
    expect(searched.total).toBeGreaterThan(0);
    await expectFirstPage(page, searched.total);
    for (const name of await rows(page).locator('.name').allTextContents()) expect(name).toMatch(/bot/i);

    // Nothing matches: says so, and offers to clear the filters.
    await page.getByLabel('Search by name').fill('no such dataset');
    await page.getByText('No datasets match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expectFirstPage(page, (await list()).total);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByLabel('Search by name').inputValue()).toBe('');
    expect(await toxicity.isChecked()).toBe(false);
  });

  it('pages through the results, and a reload keeps the filters', async () => {
    const page = await openConsole();
    await signIn(page, tokens.admin);
    await page.getByRole('tab', { name: /Custom/ }).click();
    await expectFirstPage(page, 60);
    const first = await firstRowName(page);

    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => rangeText(page)).toBe(range(25, 25, 60));
    expect(param(page, 'page')).toBe('2');
    expect(param(page, 'source')).toBe('customer');
    const second = await firstRowName(page);
    expect(second).not.toBe(first);
    const apiPage2 = await list({ source: 'customer', limit: PAGE_SIZE, offset: PAGE_SIZE });
    expect(second).toBe(apiPage2.datasets[0]?.name);
    expect(await page.getByText('Page 2 of 3').isVisible()).toBe(true);

    await page.reload();
    await expect.poll(() => rangeText(page)).toBe(range(25, 25, 60));
    expect(await firstRowName(page)).toBe(second);
    expect(await page.getByRole('tab', { name: /Custom/ }).getAttribute('aria-selected')).toBe('true');
    expect(param(page, 'page')).toBe('2');

    // Back returns to page 1.
    await page.goBack();
    await expectFirstPage(page, 60);
    expect(await firstRowName(page)).toBe(first);
  });

  it('opens a shared link after sign-in with its filters applied', async () => {
    const page = await openConsole('?source=customer&categories=jailbreak,bias&q=Bot');
    expect(param(page, 'categories')).toBe('jailbreak,bias');
    await signIn(page, tokens.admin);
    const expected = await list({ source: 'customer', categories: ['jailbreak', 'bias'], q: 'Bot' });
    await expectFirstPage(page, expected.total);
    expect(await page.getByRole('checkbox', { name: /^jailbreak/ }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /^bias/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Search by name').inputValue()).toBe('Bot');
  });

  it('finds any dataset of the org in three clicks: tab, category, row', async () => {
    // Every (source, category) group fits on one page, so any dataset is three clicks away.
    const all = await list({ limit: 200 });
    const groups = new Map<string, number>();
    for (const d of all.datasets)
      groups.set(`${d.source}/${d.category}`, (groups.get(`${d.source}/${d.category}`) ?? 0) + 1);
    expect(Math.max(...groups.values())).toBeLessThanOrEqual(PAGE_SIZE);

    const page = await openConsole();
    await signIn(page, tokens.admin);
    const tabName = {
      znyx_sample: /ZNYX samples/,
      industry_standard: /Industry standard/,
      customer: /Custom/,
    };
    for (const source of ['customer', 'znyx_sample', 'industry_standard'] as const) {
      const target = all.datasets.filter((d) => d.source === source).at(-1);
      if (!target?.category) throw new Error(`no ${source} dataset with a category`);
      await page.getByRole('tab', { name: tabName[source] }).click(); // 1
      await page.getByRole('checkbox', { name: new RegExp(`^${target.category} \\(`) }).check(); // 2
      const row = page.locator('tbody th .name', { hasText: target.name }); // 3: there it is
      await row.waitFor();
      expect(await row.isVisible()).toBe(true);
      await page.getByRole('button', { name: /^Clear \(/ }).click();
    }
  });

  it('installs from the catalog, then shows the entry installed', async () => {
    const page = await openConsole();
    await signIn(page, tokens.admin);
    await nav(page, 'Catalog').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/catalog');
    const catalog = await api.datasets.catalog.query({ org_id: tokens.org.id, limit: 200 });
    await rows(page).first().waitFor();
    expect(await rows(page).count()).toBe(catalog.total);
    const installed = catalog.entries.filter((e) => e.installed).length;
    expect(await page.getByText('Installed', { exact: false }).count()).toBe(installed);

    const xstest = page.getByRole('row', { name: /XSTest/ });
    await xstest.getByRole('button', { name: /Install/ }).click();
    await xstest.getByText('Installed').waitFor();
    const after = await api.datasets.catalog.query({ org_id: tokens.org.id, limit: 200 });
    expect(after.entries.find((e) => e.slug === 'xstest')?.installed).toBe(true);

    // "View" opens the datasets view on it.
    await xstest.getByRole('link', { name: /View/ }).click();
    await expectFirstPage(page, 1);
    expect(await firstRowName(page)).toMatch(/XSTest/);
    expect(param(page, 'source')).toBe('industry_standard');
  });

  it('signs out: back to sign-in, with sessionStorage empty', async () => {
    const page = await openConsole();
    await signIn(page, tokens.admin);
    expect(await tokenInStorage(page)).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await tokenInStorage(page)).toBe(0);
    await page.reload();
    await page.getByLabel('API token').waitFor();
  });

  it('rejects an invalid token with a message and stays on sign-in', async () => {
    const page = await openConsole();
    await page.getByLabel('API token').fill('znyx_admin_not-a-real-token');
    await page.getByLabel('API token').press('Enter');
    const alert = page.getByText('That token was not accepted');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'That token was not accepted: Invalid authentication credentials.',
    );
    expect(await page.getByLabel('API token').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await tokenInStorage(page)).toBe(0);
  });

  it('a runtime token: a readable 403 on install, and once revoked, back to sign-in with a message', async () => {
    const page = await openConsole();
    await signIn(page, tokens.runtime);
    expect(await page.locator('header').getByText('runtime token').isVisible()).toBe(true);
    await expectFirstPage(page, (await list()).total);

    await nav(page, 'Catalog').click();
    const bbq = page.getByRole('row', { name: /BBQ/ });
    await bbq.getByRole('button', { name: /Install/ }).click();
    const denied = bbq.getByRole('alert');
    await denied.waitFor();
    expect(await denied.textContent()).toBe(
      "This runtime token cannot install datasets (Token lacks the 'write' scope required for this operation). Sign in with a CI or admin token to install.",
    );

    await server.store.revokeToken(tokens.runtimeId);
    await nav(page, 'Datasets').click();
    await page.getByRole('tab', { name: /Custom/ }).click();
    const notice = page.getByText('Your token is no longer valid — sign in again');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      'Your token is no longer valid — sign in again (Token has been revoked).',
    );
    expect(await page.getByLabel('API token').isVisible()).toBe(true);
    expect(await tokenInStorage(page)).toBe(0);
  });
});

describe('a dataset in the Console', () => {
  it('opens from a row of the list: its fields and its samples, page by page', async () => {
    const page = await openConsole();
    await signIn(page, tokens.admin);
    await page.getByRole('tab', { name: /Custom/ }).click();
    await expectFirstPage(page, 60);
    const name = (await firstRowName(page)) ?? '';
    // A click anywhere in the row, not only on the name.
    await rows(page).first().locator('td').first().click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const [listed] = (await list({ source: 'customer', limit: 1 })).datasets;
    expect(new URL(page.url()).pathname).toBe(`/console/datasets/${listed?.id}`);
    expect(await page.getByTestId('sample-count').textContent()).toBe(String(listed?.sample_count));
    expect(await page.getByRole('table', { name: 'Samples' }).locator('tbody tr').count()).toBe(
      listed?.sample_count,
    );
    // Back to the list, as it was left.
    await page.getByRole('link', { name: '← Datasets' }).click();
    await expect.poll(() => param(page, 'source')).toBe('customer');
    await expectFirstPage(page, 60);
  });

  it('creates with a form, imports a file with a progress bar, exports it, edits, and deletes after a confirmation', async () => {
    const page = await openConsole();
    await signIn(page, tokens.ci);
    await page.getByRole('link', { name: 'New dataset' }).click();
    await page.getByLabel('Name').fill('Console import');
    await page.getByLabel('Category').fill('jailbreak');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { level: 1, name: 'Console import' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop() as string;
    expect((await api.datasets.get.query({ org_id: tokens.org.id, dataset_id: id })).category).toBe(
      'jailbreak',
    );

    // A bad file: the line is named, nothing is written.
    await page.getByLabel('Import samples (NDJSON or CSV)').setInputFiles({
      name: 'bad.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from('{"input":"a"}\n{"input":\n'),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Nothing was imported' });
    await refused.waitFor();
    expect(await refused.textContent()).toBe('Nothing was imported: line 2: JSON decode error');

    const lines = Array.from({ length: 45 }, (_, i) =>
      JSON.stringify({ input: `Console prompt ${i}`, expected_output: 'Refuses' }),
    );
    const file = `${lines.join('\n')}\n`;
    await page.getByLabel('Import samples (NDJSON or CSV)').setInputFiles({
      name: 'prompts.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(file),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const done = page.getByRole('status').filter({ hasText: 'Imported' });
    await done.waitFor();
    expect(await done.textContent()).toBe('Imported 45 samples; the dataset has 45.');
    await expect.poll(() => page.getByTestId('sample-count').textContent()).toBe('45');
    expect(await page.getByTestId('samples-page').textContent()).toBe('Page 1 of 3');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => page.getByTestId('samples-page').textContent()).toBe('Page 2 of 3');
    await page.getByRole('cell', { name: 'Console prompt 20', exact: true }).waitFor();

    // Export: the same bytes back, named after the dataset.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSONL' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('console-import.jsonl');
    expect(readFileSync(await download.path(), 'utf8')).toBe(file);

    // Edit.
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Name').fill('Console import, renamed');
    await page.getByLabel('Description').fill('Edited in the Console');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Console import, renamed' }).waitFor();
    expect(await api.datasets.get.query({ org_id: tokens.org.id, dataset_id: id })).toMatchObject({
      name: 'Console import, renamed',
      description: 'Edited in the Console',
      category: 'jailbreak',
    });

    // Delete: nothing happens before the confirmation; cancel keeps it.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('alertdialog');
    expect(await confirm.textContent()).toContain(
      'Delete “Console import, renamed” and its 45 samples? This cannot be undone.',
    );
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await api.datasets.get.query({ org_id: tokens.org.id, dataset_id: id })).toMatchObject({
      sample_count: 45,
    });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete dataset' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/');
    await expect
      .poll(async () => rows(page).first().locator('.name').textContent())
      .not.toBe('Console import, renamed');
    await expectFirstPage(page, (await list()).total);
    const gone = await api.datasets.get
      .query({ org_id: tokens.org.id, dataset_id: id })
      .catch((error: unknown) => error);
    expect((gone as { data?: { code?: string } }).data?.code).toBe('NOT_FOUND');
  });

  it('shows a ZNYX sample read-only: export, but no edit or import', async () => {
    const page = await openConsole();
    await signIn(page, tokens.admin);
    const [sample] = (await list({ source: 'znyx_sample', limit: 1 })).datasets;
    await page.goto(`${consoleUrl}datasets/${sample?.id}`);
    await page.getByRole('heading', { level: 1, name: sample?.name }).waitFor();
    expect(await page.getByRole('button', { name: 'Export CSV' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await page.getByLabel('Import samples (NDJSON or CSV)').count()).toBe(0);
  });
});

describe('the Tokens page', () => {
  it('is offered to admin tokens only; another token is told what it needs', async () => {
    const page = await openConsole();
    await signIn(page, tokens.ci);
    expect(await nav(page, 'Tokens').count()).toBe(0);
    await page.goto(`${consoleUrl}tokens`);
    const notice = page.getByText(/Managing tokens needs an admin token/);
    await notice.waitFor();
    expect(await notice.textContent()).toContain('this is a ci token');
    expect(await page.locator('table').count()).toBe(0);
  });

  it('creates a token, shows its secret once to copy, lists it, and revokes it', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      locale: 'en-US',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    const urls: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => urls.push(request.url()));
    try {
      await page.goto(consoleUrl);
      await signIn(page, tokens.admin);
      await nav(page, 'Tokens').click();
      await page.getByRole('heading', { name: 'Tokens' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/console/tokens');
      const before = (await api.tokens.list.query({ org_id: tokens.org.id })).total;
      await expect.poll(() => page.getByTestId('token-count').textContent()).toBe(`${before} tokens`);

      const form = page.getByRole('form', { name: 'Create a token' });
      await form.getByLabel('Name').fill('Nightly evals');
      await form.getByLabel('Kind').selectOption('ci');
      await form.getByLabel('Expires').selectOption({ label: '30 days' });
      await form.getByRole('button', { name: 'Create token' }).click();

      const secret = (await page.getByTestId('new-secret').textContent({ timeout: 10_000 })) ?? '';
      expect(secret).toMatch(/^znyx_ci_[A-Za-z0-9_-]{43}$/);
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      // The secret works, and the page keeps it nowhere: not in storage, not in a URL.
      const asNew = createZnyxClient({ baseUrl: server.url, token: secret });
      expect((await asNew.auth.whoami.query({})).token.kind).toBe('ci');
      expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([tokens.admin]);
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('form', { name: 'Create a token' }).waitFor();
      expect(await page.content()).not.toContain(secret);

      await expect.poll(() => page.getByTestId('token-count').textContent()).toBe(`${before + 1} tokens`);
      const row = page.getByRole('row', { name: /Nightly evals/ });
      expect(await row.locator('td').nth(0).textContent()).toBe('ci');
      expect(await row.locator('td').nth(5).textContent()).toBe('Active');
      const listed = (await api.tokens.list.query({ org_id: tokens.org.id })).tokens.find(
        (t) => t.name === 'Nightly evals',
      );
      expect(listed?.expires_at).not.toBeNull();
      expect(await row.locator('code').textContent()).toBe(`${listed?.prefix}…`);

      await row.getByRole('button', { name: 'Revoke' }).click();
      await row.getByRole('button', { name: 'Confirm revoke' }).click();
      await expect.poll(() => row.locator('td').nth(5).textContent()).toMatch(/^Revoked\S/);
      expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
      await expect(asNew.auth.whoami.query({})).rejects.toThrow('Token has been revoked');

      await page.screenshot({ path: SCREENSHOT.replace('console.png', 'tokens.png') });
      for (const url of [...urls, page.url()]) expect(url).not.toContain(secret);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
