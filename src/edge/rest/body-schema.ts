// One declarative schema per REST route body: the same object validates a
// request (strictly: unknown fields, wrong types, oversized strings and
// prototype keys are refused, naming the field) and describes the body in
// the OpenAPI document, so the two cannot drift apart.

export type FieldSpec =
  | {
      kind: 'string';
      required: boolean;
      maxLength: number;
      pattern?: RegExp;
      values?: readonly string[];
      description: string;
    }
  | { kind: 'boolean'; required: boolean; description: string };

export type BodySchema = Readonly<Record<string, FieldSpec>>;

export type BodyCheck = { ok: true } | { ok: false; field: string; message: string };

const OK: BodyCheck = { ok: true };
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Checks a decoded body (JSON or msgpack) against a schema. Never throws. */
export function checkBody(schema: BodySchema, body: unknown): BodyCheck {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, field: '$', message: 'the body must be a JSON object' };
  }
  const record = body as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(name))
      return { ok: false, field: name, message: `field "${name}" is not allowed` };
    if (!Object.hasOwn(schema, name)) return { ok: false, field: name, message: `unknown field "${name}"` };
  }
  if (Object.getPrototypeOf(record) !== Object.prototype && Object.getPrototypeOf(record) !== null) {
    return { ok: false, field: '$', message: 'the body must be a plain object' };
  }
  for (const name in schema) {
    const spec = schema[name]!;
    const value = record[name];
    if (value === undefined) {
      if (spec.required) return { ok: false, field: name, message: `field "${name}" is required` };
      continue;
    }
    if (spec.kind === 'boolean') {
      if (typeof value !== 'boolean')
        return { ok: false, field: name, message: `field "${name}" must be a boolean` };
      continue;
    }
    if (typeof value !== 'string')
      return { ok: false, field: name, message: `field "${name}" must be a string` };
    if (value.length > spec.maxLength) {
      return {
        ok: false,
        field: name,
        message: `field "${name}" is longer than ${spec.maxLength} characters`,
      };
    }
    if (spec.values && !spec.values.includes(value)) {
      return { ok: false, field: name, message: `field "${name}" must be one of ${spec.values.join(', ')}` };
    }
    if (spec.pattern && !spec.pattern.test(value)) {
      return { ok: false, field: name, message: `field "${name}" is malformed` };
    }
  }
  return OK;
}

/** The JSON Schema (OpenAPI 3.1) of a body schema. */
export function toJsonSchema(schema: BodySchema): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.required) required.push(name);
    if (spec.kind === 'boolean') {
      properties[name] = { type: 'boolean', description: spec.description };
    } else {
      properties[name] = {
        type: 'string',
        maxLength: spec.maxLength,
        description: spec.description,
        ...(spec.values ? { enum: [...spec.values] } : {}),
        ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
      };
    }
  }
  return { type: 'object', additionalProperties: false, required, properties };
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const SYMBOL = /^[A-Za-z0-9._-]{1,32}$/;

export const NEW_ORDER_BODY: BodySchema = {
  clOrdId: {
    kind: 'string',
    required: true,
    maxLength: 36,
    pattern: /^[A-Za-z0-9_-]{1,36}$/,
    description: 'client order id, unique per account',
  },
  symbol: { kind: 'string', required: true, maxLength: 32, pattern: SYMBOL, description: 'market symbol' },
  side: { kind: 'string', required: true, maxLength: 4, values: ['buy', 'sell'], description: 'order side' },
  type: {
    kind: 'string',
    required: true,
    maxLength: 6,
    values: ['limit', 'market'],
    description: 'order type',
  },
  qty: {
    kind: 'string',
    required: true,
    maxLength: 40,
    pattern: DECIMAL,
    description: 'quantity, a decimal string on the lot size',
  },
  price: {
    kind: 'string',
    required: false,
    maxLength: 40,
    pattern: DECIMAL,
    description: 'limit price, a decimal string on the tick size (required for limit orders)',
  },
  tif: {
    kind: 'string',
    required: false,
    maxLength: 3,
    values: ['GTC', 'IOC', 'FOK', 'DAY'],
    description: 'time in force (default GTC)',
  },
  postOnly: {
    kind: 'boolean',
    required: false,
    description: 'reject instead of taking liquidity (default false)',
  },
};

export const CANCEL_ALL_BODY: BodySchema = {
  symbol: {
    kind: 'string',
    required: false,
    maxLength: 32,
    pattern: SYMBOL,
    description: 'only this market',
  },
};
