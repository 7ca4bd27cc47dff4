/**
 * Test support: checks an HTTP response against the committed `openapi.json`, the contract.
 * Given what a server sent (method, path, status, headers, body) it lists every way the
 * response departs from the document: an undocumented status, a body that does not match the
 * response's schema, a documented header that is missing or malformed. Requests to paths or
 * methods the document does not have (404 Not Found, 405) are not operations and are skipped.
 * OpenAPI 3.1 schemas are JSON Schema 2020-12: ajv's 2020 build validates them, `$ref`s
 * resolved through the document itself.
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

export const COMMITTED_OPENAPI = fileURLToPath(new URL('../../../openapi.json', import.meta.url));

/** What a server sent, as the contract needs it. */
export interface ObservedResponse {
  method: string;
  /** The request target as sent: path and query (the query is ignored). */
  url: string;
  status: number;
  headers: IncomingHttpHeaders | OutgoingHttpHeaders | Headers | Record<string, unknown>;
  /** The raw body, as bytes or text; JSON is parsed here. */
  body?: Buffer | Uint8Array | string;
  /** The body was not kept (too large to record): check everything else. */
  bodyOmitted?: boolean;
}

export interface ContractResult {
  /** `GET /v1/orgs/{org_id}/datasets`, or undefined when the request is not a documented operation. */
  operation?: string;
  problems: string[];
}

interface HeaderObject {
  required?: boolean;
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, HeaderObject>;
}
interface Operation {
  template: string;
  method: string;
  pointer: string;
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOCUMENT_ID = 'urn:znyx:openapi.json';
/** Keywords of the OpenAPI document and of OpenAPI's schema dialect that are not JSON Schema's. */
const OPENAPI_KEYWORDS = [
  'openapi',
  'info',
  'servers',
  'paths',
  'components',
  'security',
  'tags',
  'externalDocs',
  'webhooks',
  'jsonSchemaDialect',
  'example',
  'discriminator',
  'xml',
];

const escapePointer = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** The checks of one OpenAPI document (by default the committed openapi.json). */
export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument = JSON.parse(readFileSync(COMMITTED_OPENAPI, 'utf8'))) {
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addVocabulary(OPENAPI_KEYWORDS);
    this.ajv.addSchema({ ...structuredClone(document), $id: DOCUMENT_ID });
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item)) {
        if (!HTTP_METHODS.includes(method) || !operation.responses) continue;
        this.operations.push({
          template,
          method: method.toUpperCase(),
          pointer: `#/paths/${escapePointer(template)}/${method}`,
          responses: operation.responses,
        });
      }
    }
    // A template's literal segments win over another's parameters (`/datasets/facets` over
    // `/datasets/{dataset_id}`), as the router matches them.
    this.operations.sort((a, b) => paramCount(a.template) - paramCount(b.template));
  }

  /** The documented operation a request lands on, if any; HEAD is checked as GET. */
  operationFor(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0] ?? '';
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    return this.operations.find((op) => op.method === wanted && templatePattern(op.template).test(path));
  }

  check(response: ObservedResponse): ContractResult {
    const operation = this.operationFor(response.method, response.url);
    if (!operation) return { problems: [] };
    const name = `${operation.method} ${operation.template}`;
    const problems: string[] = [];
    const status = String(response.status);
    const responseKey = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find(
      (key) => operation.responses[key],
    );
    const documented = responseKey ? operation.responses[responseKey] : undefined;
    if (!responseKey || !documented) {
      const known = Object.keys(operation.responses).join(', ');
      return { operation: name, problems: [`status ${status} is not documented (documented: ${known})`] };
    }
    const headers = normalizeHeaders(response.headers);
    for (const [headerName, header] of Object.entries(documented.headers ?? {})) {
      const value = headers[headerName.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`header ${headerName} is missing`);
        continue;
      }
      if (header.schema) {
        const pointer = `${operation.pointer}/responses/${responseKey}/headers/${escapePointer(headerName)}/schema`;
        const errors = this.validateAt(pointer, headerValue(value, header.schema));
        if (errors.length)
          problems.push(`header ${headerName}: ${JSON.stringify(value)} ${errors.join('; ')}`);
      }
    }
    const bytes = toBuffer(response.body);
    const hasBody =
      !response.bodyOmitted &&
      response.method.toUpperCase() !== 'HEAD' &&
      status !== '204' &&
      status !== '304';
    if (!hasBody) return { operation: name, problems };
    const content = documented.content;
    if (!content || Object.keys(content).length === 0) {
      if (bytes.length > 0) problems.push(`a body of ${bytes.length} bytes, but the document says none`);
      return { operation: name, problems };
    }
    const contentType = String(headers['content-type'] ?? '');
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const [key, media] =
      Object.entries(content).find(([range]) => mediaMatches(range, mediaType)) ??
      ([undefined, undefined] as const);
    if (!key || !media) {
      problems.push(
        `Content-Type ${JSON.stringify(contentType)} is not documented (documented: ${Object.keys(content).join(', ')})`,
      );
      return { operation: name, problems };
    }
    if (!/[/+]json$/.test(key) && key !== 'application/json') return { operation: name, problems };
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      problems.push(`the body is not JSON: ${preview(bytes.toString('utf8'))}`);
      return { operation: name, problems };
    }
    if (media.schema) {
      const pointer = `${operation.pointer}/responses/${responseKey}/content/${escapePointer(key)}/schema`;
      for (const error of this.validateAt(pointer, body)) problems.push(`body ${error}`);
    }
    return { operation: name, problems };
  }

  /** Validates against a schema inside the document, by JSON pointer (so its `$ref`s resolve). */
  private validateAt(pointer: string, value: unknown): string[] {
    const ref = `${DOCUMENT_ID}${pointer}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate(value) ? [] : formatErrors(validate.errors ?? []);
  }
}

let committed: OpenApiContract | undefined;
/** The contract of the committed openapi.json, loaded once per process. */
export function committedContract(): OpenApiContract {
  committed ??= new OpenApiContract();
  return committed;
}

/** The problems of one response against the committed openapi.json (empty: it matches). */
export function contractProblems(response: ObservedResponse): string[] {
  return committedContract().check(response).problems;
}

/** One readable paragraph: the request, its status, and what is wrong. */
export function describeViolation(response: ObservedResponse, result: ContractResult): string {
  return [
    `${response.method} ${response.url} → ${response.status}${result.operation ? ` (${result.operation})` : ''}`,
    ...result.problems.map((p) => `  - ${p}`),
  ].join('\n');
}

/** For a test that made a raw request: fails it unless the response matches the contract. */
export function expectMatchesContract(response: ObservedResponse): void {
  const result = committedContract().check(response);
  expect(result.problems, describeViolation(response, result)).toEqual([]);
}

function paramCount(template: string): number {
  return (template.match(/\{[^}]+\}/g) ?? []).length;
}

const patterns = new Map<string, RegExp>();
function templatePattern(template: string): RegExp {
  let pattern = patterns.get(template);
  if (!pattern) {
    const source = template
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(template, pattern);
  }
  return pattern;
}

function normalizeHeaders(headers: ObservedResponse['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  const entries =
    typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function'
      ? [...(headers as Headers).entries()]
      : Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}

/** A header's text as its schema's type: `Retry-After: 1` is the integer 1. */
function headerValue(value: string, schema: unknown): unknown {
  const type = (schema as { type?: unknown }).type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function mediaMatches(range: string, mediaType: string): boolean {
  const documented = range.split(';')[0]?.trim().toLowerCase() ?? '';
  if (documented === '*/*') return true;
  if (documented.endsWith('/*')) return mediaType.startsWith(documented.slice(0, -1));
  return documented === mediaType;
}

function toBuffer(body: ObservedResponse['body']): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

function preview(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

const MAX_ERRORS = 10;

function formatErrors(errors: ErrorObject[]): string[] {
  const shown = errors.slice(0, MAX_ERRORS).map((error) => {
    const at = error.instancePath || '(root)';
    const params =
      error.keyword === 'additionalProperties'
        ? ` (${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)})`
        : error.keyword === 'enum'
          ? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
          : '';
    return `${at} ${error.message ?? error.keyword}${params}`;
  });
  if (errors.length > MAX_ERRORS) shown.push(`… and ${errors.length - MAX_ERRORS} more schema errors`);
  return shown;
}
