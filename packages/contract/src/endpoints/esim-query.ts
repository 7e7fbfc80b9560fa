import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { Bytes, EsimTranNo, Iccid, OrderNo, Pager, WireTime } from '../fields.js';

export const EsimPackage = z.object({
  packageName: z.string(),
  packageCode: z.string(),
  slug: z.string(),
  duration: z.number().int(),
  volume: Bytes,
  locationCode: z.string(),
  createTime: WireTime,
});

export const EsimItem = z.object({
  esimTranNo: z.string(),
  orderNo: z.string(),
  transactionId: z.string(),
  imsi: z.string(),
  iccid: z.string(),
  msisdn: z.string(),
  smsStatus: z.number().int(),
  dataType: z.number().int(),
  ac: z.string().describe('LPA:1$<SM-DP+ address>$<matching id>'),
  qrCodeUrl: z.string().describe('PNG of the activation code'),
  shortUrl: z.string().describe('Page with the QR code and install instructions'),
  smdpStatus: z.string(),
  eid: z.string(),
  activeType: z.number().int(),
  expiredTime: WireTime,
  totalVolume: Bytes,
  totalDuration: z.number().int(),
  durationUnit: z.literal('DAY'),
  orderUsage: Bytes,
  esimStatus: z.string(),
  pin: z.string(),
  puk: z.string(),
  apn: z.string(),
  activateTime: WireTime.nullable(),
  installationTime: WireTime.nullable().describe('When the profile was first installed on a device; null until then'),
  packageList: z.array(EsimPackage),
});

export const esimQuery = endpoint({
  name: 'esim.query',
  path: '/api/v1/open/esim/query',
  summary: 'Query allocated profiles by orderNo, esimTranNo, iccid or a time range, paged',
  request: z.object({
    orderNo: OrderNo.optional(),
    esimTranNo: EsimTranNo.optional(),
    iccid: Iccid.optional(),
    startTime: z.string().max(40).optional().describe('ISO UTC time, e.g. 2010-06-30T01:20+00:00'),
    endTime: z.string().max(40).optional(),
    pager: Pager.optional(),
  }),
  response: z.object({
    esimList: z.array(EsimItem),
    pager: z.object({ pageSize: z.number().int(), pageNum: z.number().int(), total: z.number().int() }),
  }),
  successCode: '0',
  errors: ['200010', '200009', '310272', '310403'],
});
