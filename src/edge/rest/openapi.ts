// The OpenAPI 3.1 description of the REST API, built from the same route
// table and body schemas the server uses (so a route cannot exist without
// being documented). Served at GET /openapi.json without authentication.
import { REJECT_CODES } from '../../pipeline/reject-codes.ts';
import { toJsonSchema } from './body-schema.ts';
import type { RestRoute } from './rest-api.ts';

const DECIMAL = { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$' };

const ORDER = {
  type: 'object',
  required: [
    'clOrdId',
    'orderId',
    'symbol',
    'side',
    'type',
    'qty',
    'price',
    'tif',
    'status',
    'filledQty',
    'leavesQty',
    'avgPrice',
  ],
  properties: {
    clOrdId: { type: 'string' },
    orderId: { type: 'string' },
    symbol: { type: 'string' },
    side: { enum: ['buy', 'sell'] },
    type: { enum: ['limit', 'market'] },
    qty: DECIMAL,
    price: { oneOf: [DECIMAL, { type: 'null' }] },
    tif: { enum: ['GTC', 'IOC', 'FOK', 'DAY'] },
    status: { enum: ['new', 'partially_filled', 'filled', 'canceled', 'rejected'] },
    filledQty: DECIMAL,
    leavesQty: DECIMAL,
    avgPrice: { oneOf: [{ type: 'string' }, { type: 'null' }] },
  },
};

/** The success body of each route, as JSON Schema. */
export const SUCCESS_SCHEMAS: Record<RestRoute['name'], Record<string, unknown>> = {
  placeOrder: {
    type: 'object',
    required: ['clOrdId', 'orderId', 'status'],
    properties: { clOrdId: { type: 'string' }, orderId: { type: 'string' }, status: { const: 'new' } },
  },
  cancelOrder: {
    type: 'object',
    required: ['clOrdId', 'status'],
    properties: { clOrdId: { type: 'string' }, status: { const: 'canceled' } },
  },
  cancelAll: {
    type: 'object',
    required: ['canceled'],
    properties: { canceled: { type: 'integer', minimum: 0 } },
  },
  getOrder: ORDER,
  limits: {
    type: 'object',
    required: ['limits'],
    properties: {
      limits: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'ratePerSec', 'burst', 'remaining', 'resetMs'],
          properties: {
            name: { type: 'string' },
            ratePerSec: { type: 'number' },
            burst: { type: 'integer' },
            remaining: { type: 'integer' },
            resetMs: { type: 'integer' },
          },
        },
      },
    },
  },
};

export const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { enum: REJECT_CODES.map((c) => c.code) },
        message: { type: 'string' },
        requestId: { type: 'string' },
      },
    },
  },
};

const AUTH_HEADERS = [
  { name: 'X-PC-APIKEY', in: 'header', required: true, schema: { type: 'string' }, description: 'key id' },
  {
    name: 'X-PC-TIMESTAMP',
    in: 'header',
    required: true,
    schema: { type: 'string' },
    description: 'Unix ms',
  },
  {
    name: 'X-PC-SIGNATURE',
    in: 'header',
    required: true,
    schema: { type: 'string' },
    description:
      'over TIMESTAMP\\nMETHOD\\nPATH_WITH_QUERY\\n + body bytes: lowercase hex HMAC-SHA256, or base64 Ed25519',
  },
];

/** Headers on every /api/v1 response (SPEC section 4: RateLimit headers on errors too). */
const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description: 'the request id, also in error bodies and the log',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'IETF RateLimit-Policy: "name";q=burst;w=seconds to refill it',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'IETF RateLimit: "name";r=remaining;t=seconds until full (on a 429, the limit that refused)',
    schema: { type: 'string' },
  },
};

/** Headers of some statuses only, added to the ones above. */
const STATUS_HEADERS: Record<string, Record<string, unknown>> = {
  '401': {
    'WWW-Authenticate': {
      description: 'PC-Signature, in the three X-PC-* headers',
      schema: { type: 'string' },
    },
  },
  '429': {
    'Retry-After': {
      description: 'whole seconds until the request would pass, rounded up, at least 1',
      schema: { type: 'integer', minimum: 1 },
    },
  },
};

export function buildOpenApi(routes: readonly RestRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.pattern.replace(/:(\w+)/g, '{$1}');
    const parameters = [...AUTH_HEADERS];
    if (path.includes('{clOrdId}')) {
      parameters.push({
        name: 'clOrdId',
        in: 'path',
        required: true,
        schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,36}$' } as never,
        description: 'client order id',
      });
    }
    const errors: Record<string, unknown> = {};
    for (const code of REJECT_CODES) {
      const key = String(code.httpStatus);
      errors[key] ??= {
        description: REJECT_CODES.filter((c) => c.httpStatus === code.httpStatus)
          .map((c) => c.code)
          .join(', '),
        headers: { ...RESPONSE_HEADERS, ...STATUS_HEADERS[key] },
        content: {
          'application/json': { schema: ERROR_SCHEMA },
          'application/msgpack': { schema: ERROR_SCHEMA },
        },
      };
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.name,
      summary: route.summary,
      parameters,
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: {
                'application/json': { schema: toJsonSchema(route.body) },
                'application/msgpack': { schema: toJsonSchema(route.body) },
              },
            },
          }
        : {}),
      responses: {
        [String(route.status)]: {
          description: 'success',
          headers: RESPONSE_HEADERS,
          content: {
            'application/json': { schema: SUCCESS_SCHEMAS[route.name] },
            'application/msgpack': { schema: SUCCESS_SCHEMAS[route.name] },
          },
        },
        ...errors,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'portcullis order API', version: '1' },
    paths,
  };
}
