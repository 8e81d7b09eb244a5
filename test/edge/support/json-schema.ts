// A small JSON Schema checker for the subset the OpenAPI document uses:
// type (with integer and null), required, properties, additionalProperties
// false, enum, const, oneOf, items, pattern, minimum, maxLength. Unknown
// keywords are reported, so the subset cannot silently grow past the checker.

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'const',
  'oneOf',
  'items',
  'pattern',
  'minimum',
  'maxLength',
  'description',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeOf(value) === type;
}

/** Problems of `value` against `schema`, each with its JSON path; empty when valid. */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const problems: string[] = [];
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN.has(keyword)) problems.push(`${path}: the checker does not know keyword "${keyword}"`);
  }
  if (typeof schema.type === 'string' && !hasType(value, schema.type)) {
    return [...problems, `${path}: ${JSON.stringify(value)} is not of type ${schema.type}`];
  }
  if ('const' in schema && value !== schema.const) {
    problems.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as Schema[]).filter((s) => validate(s, value, path).length === 0).length;
    if (matching !== 1) problems.push(`${path}: matches ${matching} of the oneOf schemas, not exactly 1`);
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      problems.push(`${path}: "${value}" does not match ${schema.pattern}`);
    }
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) {
      problems.push(`${path}: longer than ${schema.maxLength}`);
    }
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    problems.push(`${path}: ${value} is below ${schema.minimum}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      problems.push(...validate(schema.items as Schema, item, `${path}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!Object.hasOwn(record, name)) problems.push(`${path}: required "${name}" is missing`);
    }
    for (const [name, item] of Object.entries(record)) {
      const property = properties[name];
      if (property) problems.push(...validate(property, item, `${path}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${path}: "${name}" is not allowed`);
    }
  }
  return problems;
}
