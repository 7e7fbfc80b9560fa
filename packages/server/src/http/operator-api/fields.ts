import { z } from 'zod';

// Fields several operator endpoints share. Integers are JSON numbers; times are ISO 8601.

export const MerchantId = z.number().int().min(1).describe('The merchant’s id (merchant/list)');
export const Units = z.number().int().describe('Amount in 1/10,000 USD (10000 = $1.00)');
export const Time = z.string().describe('ISO 8601 UTC time, e.g. 2026-12-03T04:05:06.000Z');
export const TimeInput = z.iso.datetime({ offset: true }).describe('ISO 8601 time, e.g. 2026-12-01T00:00:00Z');

export const Paging = {
  pageNum: z.number().int().min(1).max(100_000).default(1).describe('Page number, from 1 (default 1)'),
  pageSize: z.number().int().min(1).max(500).default(50).describe('Rows a page, 1-500 (default 50)'),
};

export const PageInfo = { total: z.number().int().describe('Rows matching the filters'), pageNum: z.number().int(), pageSize: z.number().int() };

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
