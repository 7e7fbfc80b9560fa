import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Bytes, EsimTranNo, Iccid, LocationCode, Money, PackageCode, Slug } from '../fields.js';

export const Operator = z.object({
  operatorName: z.string(),
  networkType: z.string().describe('e.g. `4G`, `5G`'),
});

export const LocationNetwork = z.object({
  locationName: z.string(),
  locationLogo: z.string().describe('URL of the country flag, served by esimkit'),
  locationCode: z.string(),
  operatorList: z.array(Operator),
});

export const PackageItem = z.object({
  packageCode: z.string(),
  slug: z.string(),
  name: z.string(),
  price: Money,
  currencyCode: z.literal('USD'),
  volume: Bytes.describe('Data volume in bytes (per day for daily plans)'),
  smsStatus: z.number().int().describe('0 no SMS, 1 API and phones, 2 API only'),
  dataType: z.number().int().describe('1 total, 2 daily limit then reduced speed, 3 daily limit then cut off, 4 daily unlimited'),
  unusedValidTime: z.number().int().describe('Days the eSIM stays installable before activation'),
  duration: z.number().int(),
  durationUnit: z.literal('DAY'),
  location: z.string().describe('Comma-separated ISO-2 codes the plan covers'),
  locationCode: z.string().describe('ISO-2 code or region code of the plan'),
  description: z.string(),
  activeType: z.number().int().describe('1 activates on installation, 2 on first network attach'),
  favorite: z.boolean(),
  retailPrice: Money,
  speed: z.string(),
  ipExport: z.string(),
  supportTopUpType: z.number().int().describe('1 no top-up, 2 top-up, 3 top-up with periodNum'),
  fupPolicy: z.string().describe('Speed after the daily allowance, for daily plans; empty otherwise'),
  locationNetworkList: z.array(LocationNetwork),
});

export const packageList = endpoint({
  name: 'package.list',
  path: '/api/v1/open/package/list',
  summary: 'Get all data packages, optionally filtered by location, type, code, slug or the eSIM to top up',
  request: z.object({
    locationCode: LocationCode.optional(),
    type: z.enum(['BASE', 'TOPUP']).optional().describe('`BASE` (default) or `TOPUP`'),
    packageCode: PackageCode.optional(),
    slug: Slug.optional(),
    iccid: Iccid.optional(),
    esimTranNo: EsimTranNo.optional(),
  }),
  response: z.object({ packageList: z.array(PackageItem) }),
  successCode: null,
  errors: ['310403'],
});
