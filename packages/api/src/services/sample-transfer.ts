import type { AppendedSamples, NewSample, SampleRecord, Store } from '@znyx/db';
import { type CsvError, type Info, parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import type { Context } from '../context';
import { ApiError, fromStoreError, toValidationIssues, type ValidationIssue } from '../errors';
import { inspectInput } from '../input-guard';
import { DatasetId, NewSampleInput, OrgId } from '../schemas/datasets';
import { DATASET_NOT_FOUND, editableDataset, findDataset, toNewSample } from './datasets';
import type { Actor } from './tokens';
import { requireOrgAccess } from './tokens';

/**
 * Import and export of a dataset's samples as streams: what the streaming REST routes call
 * (they cannot go through trpc-to-openapi, which reads whole JSON bodies). The same checks, in
 * the same order, as any procedure: the credential (401) and the rate budget (429), the path and
 * query (422), the media type (415), the org access and scope (403), the dataset (404, and 403
 * for a read-only one), then the body, line by line (413, 422).
 *
 * The formats, one sample per line or record, written by export and read by import alike:
 * - NDJSON (`application/x-ndjson`): `{"input": …, "expected_output": …, "metadata": {…}}`, each
 *   line a sample object as on create; export writes the keys in this order and leaves out
 *   null ones. Blank lines are skipped.
 * - CSV (`text/csv`, RFC 4180): a header row naming the columns (`input` and any of
 *   `expected_output`, `metadata`, in any order), then one record per sample; `metadata` is JSON
 *   text. An empty field is null, a quoted empty field (`""`) the empty string. Export writes the
 *   three columns, `\n` between records, and quotes a field only when it holds `,`, `"`, CR or
 *   LF, or is the empty string.
 * So an export, imported into an empty dataset, exports again byte for byte.
 */

/** The largest import body: 1 GiB. */
export const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;
/** The longest NDJSON line (a sample of 100,000-character texts and rich metadata fits). */
export const MAX_IMPORT_LINE_CHARS = 4 * 1024 * 1024;
/** Samples handed to the store at a time: memory stays bounded whatever the body's size. */
const IMPORT_BATCH = 500;
/** Rows read from the store per page of an export. */
const EXPORT_PAGE = 500;

export const IMPORT_MEDIA_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv' } as const;
export type TransferFormat = keyof typeof IMPORT_MEDIA_TYPES;
export const UNSUPPORTED_IMPORT_MEDIA_TYPE = 'Content-Type must be application/x-ndjson or text/csv';

const TransferPath = z.object({ org_id: OrgId, dataset_id: DatasetId });
export const ExportQuery = z.object({
  format: z
    .enum(['jsonl', 'csv'])
    .default('jsonl')
    .meta({ description: '`jsonl` (NDJSON, the default) or `csv`' }),
});
export type ExportFormat = z.infer<typeof ExportQuery>['format'];

export interface ImportRequest {
  /** The path parameters as the route matched them (still unchecked). */
  params: Record<string, unknown>;
  /** The Content-Type header. */
  contentType: string | undefined;
  /** The Content-Length header, when the client sent one. */
  contentLength: string | undefined;
  /** The body, as it arrives. */
  body: AsyncIterable<Uint8Array>;
  /** Told how many body bytes have been read so far (a progress display, a log). */
  onProgress?: (bytes: number) => void;
}

/** Reads an NDJSON or CSV body into the dataset, all of it or, at the first bad line, nothing. */
export async function importSamples(ctx: Context, request: ImportRequest): Promise<AppendedSamples> {
  return mapStoreErrors(async () => {
    const actor = await authenticated(ctx);
    const { org_id, dataset_id } = parsePath(request.params);
    const format = importFormat(request.contentType);
    requireOrgAccess(actor, org_id, 'write');
    await editableDataset(ctx.store, org_id, dataset_id);
    if (request.contentLength !== undefined && Number(request.contentLength) > MAX_IMPORT_BYTES) {
      throw ApiError.payloadTooLarge();
    }
    return importIntoDataset(ctx.store, {
      orgId: org_id,
      datasetId: dataset_id,
      format,
      body: request.body,
      onProgress: request.onProgress,
    });
  });
}

/**
 * The import itself, once the request may write to the dataset (the operator CLI calls it
 * directly): the body decoded as strict UTF-8, parsed line by line, handed to the store in
 * batches, all in one transaction.
 */
export async function importIntoDataset(
  store: Store,
  input: {
    orgId: string;
    datasetId: string;
    format: TransferFormat;
    body: AsyncIterable<Uint8Array>;
    onProgress?: (bytes: number) => void;
  },
): Promise<AppendedSamples> {
  const text = decodeUtf8(limitBytes(input.body, MAX_IMPORT_BYTES, input.onProgress));
  const samples = input.format === 'csv' ? csvSamples(text) : ndjsonSamples(text);
  const appended = await store.importSamples(input.orgId, input.datasetId, batches(samples, IMPORT_BATCH));
  if (!appended) throw ApiError.notFound(DATASET_NOT_FOUND);
  return appended;
}

export interface ExportRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
}

export interface SampleExport {
  format: ExportFormat;
  contentType: string;
  /** `<slug of the name>.<jsonl|csv>` */
  filename: string;
  /** The org's version before anything was read: the answer's ETag. */
  version: number | null;
  /** The file, a page of rows at a time. */
  chunks: AsyncIterable<string>;
}

/** Every stored sample of the dataset in position order, as JSONL or CSV, read a page at a time. */
export async function exportSamples(ctx: Context, request: ExportRequest): Promise<SampleExport> {
  return mapStoreErrors(async () => {
    const actor = await authenticated(ctx);
    const path = TransferPath.safeParse(request.params);
    const query = ExportQuery.safeParse(request.query);
    const issues = [
      ...(path.success ? [] : toValidationIssues(path.error, request.params, () => 'path')),
      ...(query.success ? [] : toValidationIssues(query.error, request.query, () => 'query')),
    ];
    if (!path.success || !query.success) throw ApiError.validation(issues);
    const { org_id, dataset_id } = path.data;
    const { format } = query.data;
    requireOrgAccess(actor, org_id, 'read');
    // Read before the rows: a write in between makes the answer newer than its tag, never older.
    const version = await ctx.store.orgVersion(org_id);
    const dataset = await findDataset(ctx.store, org_id, dataset_id);
    return {
      format,
      contentType: format === 'csv' ? IMPORT_MEDIA_TYPES.csv : IMPORT_MEDIA_TYPES.ndjson,
      filename: `${fileSlug(dataset.name)}.${format}`,
      version,
      chunks: sampleFile(ctx.store, dataset_id, format),
    };
  });
}

/** A dataset's stored samples as a JSONL or CSV file, a page of rows at a time (what export sends). */
export async function* sampleFile(
  store: Store,
  datasetId: string,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\n`;
  const line = format === 'csv' ? csvLine : jsonLine;
  for (let after = -1; ; ) {
    const page = await store.samplesAfter(datasetId, after, EXPORT_PAGE);
    if (page.length === 0) return;
    let chunk = '';
    for (const sample of page) chunk += line(sample);
    yield chunk;
    after = (page[page.length - 1] as SampleRecord).position;
    if (page.length < EXPORT_PAGE) return;
  }
}

/** One sample as an NDJSON line: keys in the documented order, null ones left out. */
export function jsonLine(sample: Pick<SampleRecord, 'input' | 'expectedOutput' | 'metadata'>): string {
  const out: Record<string, unknown> = { input: sample.input };
  if (sample.expectedOutput !== null) out.expected_output = sample.expectedOutput;
  if (sample.metadata !== null) out.metadata = sample.metadata;
  return `${JSON.stringify(out)}\n`;
}

const CSV_COLUMNS = ['input', 'expected_output', 'metadata'] as const;

/** One sample as a CSV record (see the formats above). */
export function csvLine(sample: Pick<SampleRecord, 'input' | 'expectedOutput' | 'metadata'>): string {
  const expected = sample.expectedOutput === null ? '' : csvField(sample.expectedOutput);
  const metadata = sample.metadata === null ? '' : csvField(JSON.stringify(sample.metadata));
  return `${csvField(sample.input)},${expected},${metadata}\n`;
}

function csvField(value: string): string {
  if (value === '') return '""';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A file name from a dataset name: lower-case ASCII letters, digits and dashes. */
export function fileSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  return slug || 'dataset';
}

async function authenticated(ctx: Context): Promise<Actor> {
  const actor = await ctx.authenticate();
  await ctx.spendBudget(actor.tokenId);
  return actor;
}

function parsePath(params: Record<string, unknown>) {
  const path = TransferPath.safeParse(params);
  if (!path.success) throw ApiError.validation(toValidationIssues(path.error, params, () => 'path'));
  return path.data;
}

/** The import's format from its Content-Type (case-insensitive, parameters allowed), else 415. */
function importFormat(contentType: string | undefined): TransferFormat {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === IMPORT_MEDIA_TYPES.ndjson) return 'ndjson';
  if (mediaType === IMPORT_MEDIA_TYPES.csv) return 'csv';
  throw ApiError.unsupportedMediaType(UNSUPPORTED_IMPORT_MEDIA_TYPE);
}

async function mapStoreErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromStoreError(error) ?? error;
  }
}

/** The body's bytes, 413 once more than `max` arrived. */
async function* limitBytes(
  body: AsyncIterable<Uint8Array>,
  max: number,
  onProgress?: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) throw ApiError.payloadTooLarge();
    onProgress?.(total);
    yield chunk;
  }
}

/** Text decoded as strict UTF-8: bytes that are not UTF-8 are a 422 at the line they are on. */
async function* decodeUtf8(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let line = 1;
  for await (const chunk of bytes) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw lineError(line + linesBeforeBadBytes(chunk), [], 'Input should be valid UTF-8', 'utf8_invalid');
    }
    line += countLines(text);
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw lineError(line, [], 'Input should be valid UTF-8', 'utf8_invalid');
  }
}

/**
 * How many lines of a chunk that failed to decode come before the bad bytes: its segments between
 * newlines decoded one by one (the first without the bytes that continue the previous chunk's
 * last character, the last allowed to end mid-character).
 */
function linesBeforeBadBytes(chunk: Uint8Array): number {
  const segments: Uint8Array[] = [];
  let start = 0;
  for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
    segments.push(chunk.subarray(start, i));
    start = i + 1;
  }
  segments.push(chunk.subarray(start));
  let first = 0;
  while (first < (segments[0]?.length ?? 0) && ((segments[0]?.[first] ?? 0) & 0xc0) === 0x80) first++;
  segments[0] = (segments[0] as Uint8Array).subarray(first);
  for (let i = 0; i < segments.length; i++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(segments[i], { stream: i === segments.length - 1 });
    } catch {
      return i;
    }
  }
  return 0;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A 422 pointing at a line of the body (from 1) and a field of it. */
function lineError(line: number, path: (string | number)[], msg: string, type: string): ApiError {
  return ApiError.validation([{ loc: ['body', line, ...path], msg, type }]);
}

/** A parsed line or record as a sample, or the 422 of its first problems. */
function toSample(value: unknown, line: number): NewSample {
  const guarded = inspectInput(value);
  if (guarded.length > 0) {
    throw ApiError.validation(
      guarded.map(({ path, msg, type }) => ({ loc: ['body', line, ...path], msg, type })),
    );
  }
  const parsed = NewSampleInput.safeParse(value);
  if (!parsed.success) {
    const issues: ValidationIssue[] = toValidationIssues(parsed.error, value, () => 'body').map((issue) => ({
      ...issue,
      loc: ['body', line, ...issue.loc.slice(1)],
    }));
    throw ApiError.validation(issues);
  }
  return toNewSample(parsed.data);
}

/** NDJSON: one sample object per line (`\n` or `\r\n`); blank lines skipped. */
async function* ndjsonSamples(text: AsyncIterable<string>): AsyncGenerator<NewSample> {
  let pending = '';
  let line = 0;
  const parseLine = (raw: string): NewSample | undefined => {
    line++;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      throw lineError(line, [], 'JSON decode error', 'json_invalid');
    }
    return toSample(value, line);
  };
  for await (const chunk of text) {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const raw = pending + chunk.slice(start, end);
      pending = '';
      start = end + 1;
      const sample = parseLine(raw);
      if (sample) yield sample;
    }
    pending += chunk.slice(start);
    if (pending.length > MAX_IMPORT_LINE_CHARS) {
      throw lineError(line + 1, [], `Line longer than ${MAX_IMPORT_LINE_CHARS} characters`, 'line_too_long');
    }
  }
  if (pending !== '') {
    const sample = parseLine(pending);
    if (sample) yield sample;
  }
}

/** The messages of csv-parse's errors, in our words (its own quote the offending text). */
const CSV_ERRORS: Record<string, string> = {
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'The record does not have as many fields as the header',
  CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH: 'The record does not have as many fields as the header',
  CSV_QUOTE_NOT_CLOSED: 'A quoted field is not closed',
  CSV_INVALID_CLOSING_QUOTE: 'A quote inside a quoted field must be doubled',
  INVALID_OPENING_QUOTE: 'A quote may only start a field',
  CSV_MAX_RECORD_SIZE: `A record longer than ${MAX_IMPORT_LINE_CHARS} characters`,
};

/**
 * CSV: the header row, then one sample per record. A record is pointed at by the line it ends on
 * (a quoted field may span lines).
 */
async function* csvSamples(text: AsyncIterable<string>): AsyncGenerator<NewSample> {
  const parser = parseCsv({
    bom: true,
    info: true,
    skip_empty_lines: true,
    max_record_size: MAX_IMPORT_LINE_CHARS,
    // An unquoted empty field is null, a quoted one the empty string.
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
  });
  const feeding = (async () => {
    try {
      for await (const chunk of text) {
        if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let columns: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: (string | null)[]; info: Info }>) {
      const line = info.lines;
      if (!columns) {
        columns = csvHeader(record, line);
        continue;
      }
      const value: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as string;
        const field = record[i];
        if (field === null || field === undefined) continue;
        if (column === 'metadata') {
          try {
            value.metadata = JSON.parse(field);
          } catch {
            throw lineError(line, ['metadata'], 'JSON decode error', 'json_invalid');
          }
        } else {
          value[column] = field;
        }
      }
      yield toSample(value, line);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const csv = error as Partial<CsvError> & { lines?: number };
    if (typeof csv.code === 'string' && csv.code in CSV_ERRORS) {
      throw lineError(csv.lines ?? 0, [], CSV_ERRORS[csv.code] as string, 'csv_invalid');
    }
    throw error;
  } finally {
    parser.destroy();
    await feeding;
  }
  if (!columns)
    throw ApiError.validation([{ loc: ['body'], msg: 'A header row is required', type: 'missing' }]);
}

const KNOWN_COLUMNS = new Set<string>(CSV_COLUMNS);

function csvHeader(record: (string | null)[], line: number): string[] {
  const columns = record.map((name) => (name ?? '').trim());
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  columns.forEach((name) => {
    if (!KNOWN_COLUMNS.has(name)) {
      issues.push({
        loc: ['body', line, name],
        msg: 'Extra inputs are not permitted',
        type: 'extra_forbidden',
      });
    } else if (seen.has(name)) {
      issues.push({ loc: ['body', line, name], msg: 'The column is named twice', type: 'value_error' });
    }
    seen.add(name);
  });
  if (!seen.has('input'))
    issues.push({ loc: ['body', line, 'input'], msg: 'Field required', type: 'missing' });
  if (issues.length > 0) throw ApiError.validation(issues);
  return columns;
}

/** Groups the samples into arrays of `size` (the last may be shorter). */
async function* batches(samples: AsyncIterable<NewSample>, size: number): AsyncGenerator<NewSample[]> {
  let batch: NewSample[] = [];
  for await (const sample of samples) {
    batch.push(sample);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
