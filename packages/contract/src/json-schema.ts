import { z } from 'zod';

// JSON Schema as the OpenAPI and AsyncAPI documents carry it.

/** A zod schema as JSON Schema, without `$schema` and without zod's placeholder integer bounds. */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return withoutSafeIntegerBounds(rest) as Record<string, unknown>;
}

/**
 * zod writes ±(2^53 - 1) as the bounds of every `.int()` it has no other bound for; they say
 * nothing a reader needs and hide the real ones, so only bounds the contract sets are kept.
 */
function withoutSafeIntegerBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSafeIntegerBounds);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    out[key] = withoutSafeIntegerBounds(value);
  }
  return out;
}
