import { meaningOf } from './glossary.js';
import { code, inline, numberText, table, type Json } from './html.js';

// A JSON Schema (as the OpenAPI document carries it) flattened into one row per field, nested
// objects and lists included: `esimList[].packageList[].slug` sits under `esimList[]`,
// indented by its depth.

export interface FieldRow {
  path: string;
  depth: number;
  type: string;
  required: boolean;
  description: string;
}

/** The branches of a schema that are not `null`, and whether `null` is allowed. */
function branches(schema: Json): { options: Json[]; nullable: boolean } {
  const anyOf = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (anyOf) {
    const options = anyOf.filter((s) => s.type !== 'null');
    return { options, nullable: options.length < anyOf.length };
  }
  if (Array.isArray(schema.type)) {
    const types = (schema.type as string[]).filter((t) => t !== 'null');
    return { options: types.map((type) => ({ ...schema, type })), nullable: types.length < (schema.type as string[]).length };
  }
  return { options: [schema], nullable: false };
}

/** A bound worth showing: zod's ±(2^53 - 1) placeholders are not. */
function shown(value: unknown): string | undefined {
  return typeof value === 'number' && Math.abs(value) !== Number.MAX_SAFE_INTEGER ? numberText(value) : undefined;
}

function bounds(min: unknown, max: unknown, unit = ''): string {
  const lo = shown(min);
  const hi = shown(max);
  if (lo !== undefined && hi !== undefined) return lo === hi ? `exactly ${lo}${unit}` : `${lo} to ${hi}${unit}`;
  if (lo !== undefined) return `at least ${lo}${unit}`;
  if (hi !== undefined) return `at most ${hi}${unit}`;
  return '';
}

function typeOfOption(schema: Json): string {
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const type = schema.type as string | undefined;
  const withBounds = (name: string, range: string) => (range ? `${name}, ${range}` : name);
  switch (type) {
    case 'integer':
    case 'number':
      return withBounds(type, bounds(schema.minimum, schema.maximum));
    case 'string':
      return withBounds('string', bounds(schema.minLength, schema.maxLength, ' characters'));
    case 'array': {
      const items = schema.items as Json | undefined;
      const of = items ? branches(items).options.map(shortType).join(' or ') : 'anything';
      return withBounds(`list of ${of}`, bounds(schema.minItems, schema.maxItems, ' items'));
    }
    case 'object':
      return 'object';
    case 'boolean':
      return 'boolean';
    default:
      return 'any';
  }
}

function shortType(schema: Json): string {
  if ('const' in schema || Array.isArray(schema.enum)) return 'string';
  return (schema.type as string | undefined) ?? 'any';
}

function typeText(schema: Json): string {
  const { options, nullable } = branches(schema);
  const text = options.map(typeOfOption).join(', or ');
  return nullable ? `${text}, or null` : text;
}

function notes(schema: Json): string[] {
  const out: string[] = [];
  for (const option of branches(schema).options) {
    if (typeof option.pattern === 'string') out.push(`Pattern ${'`'}${option.pattern}${'`'}.`);
  }
  if ('default' in schema) out.push(`Default ${'`'}${JSON.stringify(schema.default)}${'`'}.`);
  return out;
}

/** The object schema whose fields nest under a field, if any (through nullability and lists). */
function nested(schema: Json): { suffix: string; object: Json } | undefined {
  for (const option of branches(schema).options) {
    if (option.type === 'object' && option.properties) return { suffix: '', object: option };
    if (option.type === 'array' && option.items) {
      const inner = nested(option.items as Json);
      if (inner) return { suffix: `[]${inner.suffix}`, object: inner.object };
    }
  }
  return undefined;
}

export function fieldRows(schema: Json | undefined, prefix = '', depth = 0): FieldRow[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const rows: FieldRow[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    const description = [meaningOf(path, prop.description as string | undefined), ...notes(prop)]
      .filter(Boolean)
      .map((text) => (/[.!?)]$/.test(text) ? text : `${text}.`))
      .join(' ');
    rows.push({ path, depth, type: typeText(prop), required: required.has(name), description });
    const inner = nested(prop);
    if (inner) rows.push(...fieldRows(inner.object, `${path}${inner.suffix}.`, depth + 1));
  }
  return rows;
}

/** The rows as a table; `withRequired` adds the column requests need (answers always carry every field). */
export function fieldTable(schema: Json | undefined, withRequired: boolean): string {
  const rows = fieldRows(schema);
  if (rows.length === 0) return '<p class="none">No fields.</p>';
  const head = withRequired ? ['field', 'type', 'required', 'meaning'] : ['field', 'type', 'meaning'];
  return table(
    head,
    rows.map((row) => {
      const field = `<span class="field" style="--depth:${row.depth}">${code(row.path)}</span>`;
      const cells = [field, inline(row.type), ...(withRequired ? [row.required ? 'yes' : 'no'] : []), inline(row.description)];
      return { cells, className: row.depth ? 'nested' : '' };
    }),
    'fields',
  );
}
