import { z } from 'zod';

// Field schemas shared by several endpoints. Lengths are the limits the vendor doc gives or
// implies; a value outside them answers 000107.

export const PackageCode = z.string().min(1).max(64).describe('Package code or slug, e.g. `CKH823` or `AU_1_7`');
export const Slug = z.string().min(1).max(64).describe('Package alias, e.g. `AU_1_7`');
/** ICCIDs are accepted leniently: 18-20 digits, optional trailing F (field-notes §4). */
export const Iccid = z.string().min(18).max(22).regex(/^\d{18,20}F?$/i, 'ICCID must be 18-20 digits').describe('eSIM ICCID');
export const EsimTranNo = z.string().min(1).max(32).regex(/^\d+$/, 'esimTranNo must be digits').describe('eSIM transaction number');
export const OrderNo = z.string().min(1).max(32).describe('Order number, e.g. `B23051616050537`');
export const TransactionId = z.string().min(1).max(50).describe('Partner transaction id, unique per order (max 50)');
export const Money = z.number().int().describe('Amount in 1/10,000 USD (10000 = $1.00)');
export const Bytes = z.number().int().describe('Bytes');
/** `YYYY-MM-DDTHH:mm:ss+0000` */
export const WireTime = z.string().describe('UTC time, `YYYY-MM-DDTHH:mm:ss+0000`');
export const LocationCode = z
  .string()
  .min(2)
  .max(32)
  .describe('ISO 3166-1 alpha-2 country code, a region code (`EU-42`), `!RG` (regional) or `!GL` (global)');

/**
 * An integer as clients send it: a JSON number, or the same number as a string of digits
 * (clients built on loosely typed models send `"count":"1"`). Bounds are the schema's.
 */
export function integerInput(schema: z.ZodNumber) {
  return z.union([schema, z.string().trim().regex(/^\d{1,15}$/, 'must be a whole number').transform(Number).pipe(schema)]);
}

/**
 * A price or total the client states so the server can check it: a number or a string of
 * digits (the top-up doc types amount as String). 0 means "no check", as null and "" do:
 * clients send 0 for a price they do not know.
 */
export const PriceCheck = integerInput(z.number().int().min(0))
  .transform((units) => (units === 0 ? undefined : units))
  .describe('Amount in 1/10,000 USD (10000 = $1.00); 0 means no check');

/** Days of a daily plan (day pass) ordered or added, 1-365. */
export const PeriodNum = integerInput(z.number().int().min(1).max(365)).describe('Days of a daily plan, 1-365');

/** `esimTranNo` or `iccid`: lifecycle operations take either (esimTranNo recommended). */
export const EsimRef = z.object({
  esimTranNo: EsimTranNo.optional(),
  iccid: Iccid.optional(),
});

export const Pager = z.object({
  pageNum: integerInput(z.number().int()).optional().describe('Page number, 1-10000 (default 1)'),
  pageSize: integerInput(z.number().int()).optional().describe('Page size, clamped to 5-500 (default 20)'),
});
