import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import {
  ApiError,
  clientDetail,
  createOrgWithAdminToken,
  editableDataset,
  importIntoDataset,
  installFromCatalog,
  issueToken,
  MAX_TOKEN_LIFETIME_SECONDS,
  OrgId,
  sampleFile,
  type TransferFormat,
} from '@znyx/api';
import {
  findCatalogEntry,
  openStore,
  type Store,
  TOKEN_KINDS,
  type TokenKind,
  type TokenRecord,
} from '@znyx/db';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { generateDemoDatasets } from './demo-data';
import { loadEnv, storeOptions } from './env';

/** A failure the operator can fix; printed to stderr without a stack. */
class CliError extends Error {}

function positiveInt(max: number) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`expected an integer from 1 to ${max}`);
    }
    return Number(value);
  };
}

function uuid(value: string): string {
  const parsed = OrgId.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected a UUID');
  return parsed.data;
}

function tokenKind(value: string): TokenKind {
  if (!(TOKEN_KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${TOKEN_KINDS.join(', ')}`);
  }
  return value as TokenKind;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const TOKEN_PAGE_SIZE = 500;

/** Every token of the org, newest first, a page at a time. */
async function allTokens(store: Store, orgId: string): Promise<TokenRecord[]> {
  const tokens: TokenRecord[] = [];
  for (;;) {
    const page = await store.listTokens(orgId, { limit: TOKEN_PAGE_SIZE, offset: tokens.length });
    tokens.push(...page.tokens);
    if (page.tokens.length < TOKEN_PAGE_SIZE || tokens.length >= page.total) return tokens;
  }
}

const TOKEN_TABLE_HEADER = [
  'ID',
  'NAME',
  'KIND',
  'SCOPES',
  'PREFIX',
  'CREATED',
  'EXPIRES',
  'REVOKED',
  'LAST USED',
];

/** The tokens as a table under a header row, each column as wide as its widest cell. */
function tokenTable(tokens: readonly TokenRecord[]): string {
  const rows = [
    TOKEN_TABLE_HEADER,
    ...tokens.map((t) => [
      t.id,
      t.name ?? '-',
      t.kind,
      t.scopes.join(','),
      t.tokenPrefix,
      t.createdAt.toISOString(),
      iso(t.expiresAt) ?? 'never',
      iso(t.revokedAt) ?? '-',
      iso(t.lastUsedAt) ?? 'never',
    ]),
  ];
  const widths = TOKEN_TABLE_HEADER.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return rows.map(line).join('\n');
}

/** Where the CLI draws a progress bar: stderr, only when it is a terminal and --json is off. */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress bar on a terminal, nothing elsewhere. */
function progressBar(output: ProgressOutput | undefined, quiet: boolean, unit: string) {
  if (quiet || !output?.isTTY) return undefined;
  return new SingleBar({
    stream: output as NodeJS.WritableStream,
    format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
    hideCursor: true,
    clearOnComplete: true,
  });
}

/** An API error as one line: its detail, a validation problem as "where: what". */
function describeApiError(error: ApiError): string {
  const detail = clientDetail(error);
  if (typeof detail === 'string') return detail;
  return detail.map((issue) => `${issue.loc.slice(1).join('.') || issue.loc[0]}: ${issue.msg}`).join('; ');
}

function buildCli(
  openDb: () => Promise<Store>,
  write: (text: string) => void,
  progress?: ProgressOutput,
  stdout?: NodeJS.WritableStream,
): Command {
  const program = new Command('znyx')
    .description('ZNYX Datasets operator CLI (uses DATABASE_URL, like the server)')
    .option('--json', 'print exactly one JSON object')
    .exitOverride()
    .configureOutput({ writeOut: write });

  /** Runs an action with the store open, printing JSON or the human line. */
  const run =
    <A extends unknown[]>(action: (store: Store, ...args: A) => Promise<{ json: object; text: string }>) =>
    async (...args: A) => {
      const store = await openDb();
      try {
        const { json, text } = await action(store, ...args);
        write(program.opts().json ? `${JSON.stringify(json)}\n` : `${text}\n`);
      } finally {
        await store.close();
      }
    };

  const requireDataset = async (store: Store, id: string) => {
    const dataset = await store.findDatasetById(id);
    if (!dataset) throw new CliError(`dataset ${id} not found`);
    return dataset;
  };

  const requireOrg = async (store: Store, id: string) => {
    const org = await store.getOrg(id);
    if (!org) throw new CliError(`org ${id} not found`);
    return org;
  };

  const org = program.command('org').description('manage orgs');
  org
    .command('create')
    .description('create an org, seed its ZNYX samples and mint an admin token')
    .requiredOption('--name <name>', 'org name')
    .action(
      run(async (store, opts: { name: string }) => {
        const name = opts.name.trim();
        if (!name) throw new CliError('--name must not be empty');
        const { org, admin } = await createOrgWithAdminToken(store, name);
        return {
          json: { id: org.id, name: org.name, token: admin.token, token_id: admin.record.id },
          text: `Created org "${org.name}" (${org.id}).\nAdmin token (shown once): ${admin.token}\nIts id (for token revoke): ${admin.record.id}`,
        };
      }),
    );

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('mint a token for an org')
    .requiredOption('--org <id>', 'org id', uuid)
    .requiredOption('--kind <kind>', `token kind: ${TOKEN_KINDS.join(' | ')}`, tokenKind)
    .option(
      '--expires-in <seconds>',
      'lifetime in seconds (default: no expiry)',
      positiveInt(MAX_TOKEN_LIFETIME_SECONDS),
    )
    .option('--name <name>', 'what the org calls it, up to 100 characters (default: none)')
    .action(
      run(async (store, opts: { org: string; kind: TokenKind; expiresIn?: number; name?: string }) => {
        await requireOrg(store, opts.org);
        const name = opts.name === undefined ? null : opts.name.trim();
        if (name !== null && (name === '' || name.length > 100)) {
          throw new CliError('--name must be 1 to 100 characters, not blank');
        }
        const expiresAt = opts.expiresIn ? new Date(Date.now() + opts.expiresIn * 1000) : null;
        const { token, record } = await issueToken(store, {
          orgId: opts.org,
          kind: opts.kind,
          expiresAt,
          name,
        });
        return {
          json: {
            id: record.id,
            name: record.name,
            token,
            kind: record.kind,
            scopes: record.scopes,
            expires_at: iso(record.expiresAt),
          },
          text: `Created ${record.kind} token ${record.id} (scopes: ${record.scopes.join(', ')}; expires: ${
            iso(record.expiresAt) ?? 'never'
          }).\nToken (shown once): ${token}`,
        };
      }),
    );
  token
    .command('revoke')
    .description('revoke a token; it answers 401 from then on')
    .requiredOption('--id <token-id>', 'token id', uuid)
    .action(
      run(async (store, opts: { id: string }) => {
        const record = await store.revokeToken(opts.id);
        if (!record) throw new CliError(`token ${opts.id} not found`);
        return {
          json: { id: record.id, revoked_at: iso(record.revokedAt) },
          text: `Token ${record.id} revoked at ${iso(record.revokedAt)}.`,
        };
      }),
    );

  token
    .command('list')
    .description("list an org's tokens, newest first (revoked and expired ones too; never a secret)")
    .requiredOption('--org <id>', 'org id', uuid)
    .action(
      run(async (store, opts: { org: string }) => {
        await requireOrg(store, opts.org);
        const tokens = await allTokens(store, opts.org);
        return {
          json: {
            tokens: tokens.map((t) => ({
              id: t.id,
              name: t.name,
              kind: t.kind,
              scopes: t.scopes,
              prefix: t.tokenPrefix,
              created_at: iso(t.createdAt),
              expires_at: iso(t.expiresAt),
              revoked_at: iso(t.revokedAt),
              last_used_at: iso(t.lastUsedAt),
            })),
          },
          text: tokens.length > 0 ? tokenTable(tokens) : `Org ${opts.org} has no tokens.`,
        };
      }),
    );

  program
    .command('install')
    .description(
      'install a catalog entry (a ZNYX sample or an industry benchmark) into an org; a no-op if it has it',
    )
    .requiredOption('--org <id>', 'org id', uuid)
    .requiredOption('--entry <id-or-slug>', 'catalog entry, e.g. truthfulqa')
    .action(
      run(async (store, opts: { org: string; entry: string }) => {
        await requireOrg(store, opts.org);
        const entry = findCatalogEntry(opts.entry);
        if (!entry) throw new CliError(`catalog entry '${opts.entry}' not found`);
        const { dataset, created } = await installFromCatalog(store, opts.org, entry.slug);
        return {
          json: { id: dataset.id, name: dataset.name, sample_count: dataset.sampleCount, created },
          text: `${created ? 'Installed' : 'Already installed:'} ${dataset.name} (${dataset.id}) in org ${opts.org}.`,
        };
      }),
    );

  program
    .command('demo-data')
    .description('add N realistic customer datasets to an org (varied categories and timestamps)')
    .requiredOption('--org <id>', 'org id', uuid)
    .requiredOption('--count <n>', 'how many datasets', positiveInt(100_000))
    .option('--seed <s>', 'random seed, for reproducible data', positiveInt(2 ** 31), 1)
    .action(
      run(async (store, opts: { org: string; count: number; seed: number }) => {
        await requireOrg(store, opts.org);
        const taken = await store.listDatasetNames(opts.org);
        const created = await store.insertDatasets(
          opts.org,
          generateDemoDatasets(opts.count, opts.seed, taken),
        );
        return {
          json: { created: created.length },
          text: `Created ${created.length} datasets in org ${opts.org}.`,
        };
      }),
    );
  program
    .command('import')
    .description('append the samples of an NDJSON or CSV file to a customer dataset, all or nothing')
    .requiredOption('--dataset <id>', 'dataset id', uuid)
    .option('--format <format>', 'jsonl or csv (default: from the file name, else jsonl)', fileFormat)
    .argument('<file>', 'the file to read')
    .action(async (file: string, opts: { dataset: string; format?: 'jsonl' | 'csv' }) =>
      run(async (store) => {
        const dataset = await requireDataset(store, opts.dataset);
        const format: TransferFormat =
          (opts.format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl')) === 'csv' ? 'csv' : 'ndjson';
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw new CliError(`cannot read ${file}`);
        }
        const bar = progressBar(progress, Boolean(program.opts().json), 'bytes');
        bar?.start(size, 0);
        try {
          await editableDataset(store, dataset.orgId, dataset.id);
          const appended = await importIntoDataset(store, {
            orgId: dataset.orgId,
            datasetId: dataset.id,
            format,
            body: createReadStream(file, { highWaterMark: 1 << 20 }),
            onProgress: (bytes) => bar?.update(bytes),
          });
          bar?.update(size);
          return {
            json: { dataset_id: dataset.id, added: appended.added, sample_count: appended.sampleCount },
            text: `Imported ${appended.added} samples into ${dataset.name} (${dataset.id}); it has ${appended.sampleCount} now.`,
          };
        } catch (error) {
          if (error instanceof ApiError) throw new CliError(`${file}: ${describeApiError(error)}`);
          throw error;
        } finally {
          bar?.stop();
        }
      })(),
    );

  program
    .command('export')
    .description("write a dataset's samples, in order, as JSONL (default) or CSV, to FILE or stdout")
    .requiredOption('--dataset <id>', 'dataset id', uuid)
    .option('--format <format>', 'jsonl or csv', fileFormat, 'jsonl' as const)
    .argument('[file]', 'the file to write (default: stdout)')
    .action(async (file: string | undefined, opts: { dataset: string; format: 'jsonl' | 'csv' }) => {
      const store = await openDb();
      try {
        const dataset = await requireDataset(store, opts.dataset);
        const out = file ? createWriteStream(file) : (stdout ?? process.stdout);
        const bar = progressBar(progress, Boolean(program.opts().json), 'samples');
        bar?.start(dataset.sampleCount, 0);
        let rows = 0;
        try {
          for await (const chunk of sampleFile(store, dataset.id, opts.format)) {
            rows += countNewlines(chunk);
            bar?.update(opts.format === 'csv' ? rows - 1 : rows);
            if (!out.write(chunk)) await once(out, 'drain');
          }
        } finally {
          bar?.stop();
        }
        if (file) {
          out.end();
          await once(out, 'finish');
        }
        const samples = opts.format === 'csv' ? Math.max(0, rows - 1) : rows;
        // On stdout the file is the output: the summary goes there only when it is not.
        if (file) {
          write(
            program.opts().json
              ? `${JSON.stringify({ dataset_id: dataset.id, format: opts.format, samples, file })}\n`
              : `Exported ${samples} samples of ${dataset.name} to ${file}.\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
  return program;
}

function fileFormat(value: string): 'jsonl' | 'csv' {
  if (value !== 'jsonl' && value !== 'csv') throw new InvalidArgumentError('expected jsonl or csv');
  return value;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

async function main(): Promise<number> {
  try {
    const env = loadEnv(process.env);
    const program = buildCli(
      () => openStore(env.DATABASE_URL, storeOptions(env)),
      (text) => process.stdout.write(text),
      process.stderr,
      process.stdout,
    );
    program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
    await program.parseAsync(process.argv);
    return 0;
  } catch (error) {
    // commander already printed its own usage errors; --help/--version exit 0.
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main().then((code) => process.exit(code));
