import { type ApiMeta, appRouter } from '@znyx/api';
import { forEachOpenApiProcedure, generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];
type Responses = Record<string, { description?: string; content?: unknown; headers?: unknown }>;

const HTTP_ERROR = { $ref: '#/components/schemas/HTTPError' };
const HTTP_VALIDATION_ERROR = { $ref: '#/components/schemas/HTTPValidationError' };

/** FastAPI's error bodies, which ZNYX clients already parse. */
const ERROR_SCHEMAS: Record<string, SchemaObject> = {
  HTTPError: {
    type: 'object',
    required: ['detail'],
    properties: { detail: { type: 'string', description: 'Human-readable message' } },
    example: { detail: 'Token does not have access to this organization' },
  },
  ValidationError: {
    type: 'object',
    required: ['loc', 'msg', 'type'],
    properties: {
      loc: {
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        description: 'Where the problem is: path, query, header or body, then the field name and any index',
      },
      msg: { type: 'string' },
      type: {
        type: 'string',
        description: 'Machine-readable kind, e.g. less_than_equal, uuid_parsing, enum',
      },
    },
  },
  HTTPValidationError: {
    type: 'object',
    required: ['detail'],
    properties: { detail: { type: 'array', items: { $ref: '#/components/schemas/ValidationError' } } },
    example: {
      detail: [
        {
          loc: ['query', 'limit'],
          msg: 'Input should be less than or equal to 200',
          type: 'less_than_equal',
        },
      ],
    },
  },
};

const REQUEST_ID_HEADER = {
  schema: { type: 'string' },
  description: "The request's id: the caller's X-Request-Id when well-formed, else a new UUID",
};

const DEFAULT_ERROR_DESCRIPTIONS: Record<string, string> = {
  401: 'Missing, malformed, unknown, expired or revoked token.',
  403: 'Token does not have org access (wrong org_id, or insufficient scope).',
  404: 'Resource does not exist in this org.',
  409: 'Conflict with an existing resource.',
  413: 'Request body too large.',
  422: 'Validation Error',
  429: 'Too many requests for this token (default 1,200 per minute); retry after Retry-After seconds.',
  500: 'Internal Server Error',
  503: 'The database is unavailable; retry after Retry-After seconds.',
};

/**
 * The OpenAPI 3 document of the REST API, generated from the router, with every error
 * response rewritten to the FastAPI bodies the REST layer actually sends.
 */
export function buildOpenApiDocument(): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
    title: 'ZNYX Datasets API',
    version: '1.0.0',
    description:
      'Evaluation datasets of a ZNYX organization. Authenticate with `Authorization: Bearer <token>` ' +
      'or, when that header is absent, `X-API-Key: <token>`. Error bodies follow FastAPI: ' +
      '`{"detail": "message"}`, or for 422 `{"detail": [{"loc", "msg", "type"}]}`. Every response ' +
      'carries `X-Request-Id` (a well-formed one sent by the caller is echoed).',
    baseUrl: '/',
    securitySchemes: {
      HTTPBearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <token>' },
      APIKeyHeader: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'Used when Authorization is absent',
      },
    },
  });

  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(
      pathItem as Record<string, { responses?: Responses; security?: [] }>,
    )) {
      if (!operation?.responses) continue;
      operation.responses = fastApiResponses(operation.responses, Boolean(operation.security?.length));
    }
  }
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem as Record<string, { responses?: Responses }>)) {
      for (const response of Object.values(operation?.responses ?? {})) {
        response.headers = { ...(response.headers as object), 'X-Request-Id': REQUEST_ID_HEADER };
      }
    }
  }
  document.servers = [
    { url: '/', description: 'This server' },
    { url: 'https://api.znyx.ai', description: 'ZNYX' },
  ];
  for (const { path, method, statuses } of declaredSuccessStatuses()) {
    const operation = (document.paths?.[path] as Record<string, { responses?: Responses }> | undefined)?.[
      method
    ];
    const generated = operation?.responses?.['200'];
    if (!operation?.responses || !generated) continue;
    const { '200': _replaced, ...rest } = operation.responses;
    const successes = Object.fromEntries(
      Object.entries(statuses).map(([status, description]) => [status, { ...generated, description }]),
    );
    operation.responses = { ...successes, ...rest };
  }
  const schemas = Object.fromEntries(
    Object.entries(document.components?.schemas ?? {}).filter(([name]) => !name.startsWith('error.')),
  );
  document.components = { ...document.components, schemas: { ...schemas, ...ERROR_SCHEMAS } };
  return document;
}

/** Every error an operation can answer with, in FastAPI's shape; token-protected ones can also be rate limited. */
function fastApiResponses(responses: Responses, isProtected: boolean): Responses {
  const result: Responses = {};
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    // Input errors are 422 here, never 400.
    if (code === 400) continue;
    if (code < 400) {
      result[status] = response;
      continue;
    }
    result[status] = errorResponse(status, response.description);
  }
  if (isProtected) result['429'] = errorResponse('429');
  result['500'] = errorResponse('500');
  result['503'] = errorResponse('503');
  return result;
}

function errorResponse(status: string, description?: string) {
  const schema = status === '422' ? HTTP_VALIDATION_ERROR : HTTP_ERROR;
  return {
    description: description ?? DEFAULT_ERROR_DESCRIPTIONS[status] ?? 'Error',
    content: { 'application/json': { schema } },
    ...(status === '401'
      ? { headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer' } } }
      : {}),
    ...(status === '429' || status === '503'
      ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } }
      : {}),
  };
}

/** Procedures whose REST success is not a plain 200, from their `successStatuses` meta. */
function declaredSuccessStatuses() {
  const found: { path: string; method: string; statuses: Record<number, string> }[] = [];
  forEachOpenApiProcedure<ApiMeta>(appRouter._def.procedures, ({ meta }) => {
    if (meta.successStatuses) {
      found.push({
        path: meta.openapi.path,
        method: meta.openapi.method.toLowerCase(),
        statuses: meta.successStatuses,
      });
    }
  });
  return found;
}
