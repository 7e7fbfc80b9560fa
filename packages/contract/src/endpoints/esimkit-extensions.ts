import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { EsimTranNo, Iccid, WireTime } from '../fields.js';

// esimkit's own additions, outside the vendor's /api/v1/open namespace, with the same
// authentication and envelope.

export const esimSmsList = endpoint({
  name: 'esimkit.esim.sms.list',
  path: '/api/v1/esimkit/esim/sms/list',
  summary: 'SMS messages sent to (esim/sendSms) and from an eSIM, oldest first',
  request: z.object({ esimTranNo: EsimTranNo.optional(), iccid: Iccid.optional() }),
  response: z.object({
    smsList: z.array(
      z.object({ direction: z.enum(['MT', 'MO']).describe('MT: sent to the device; MO: sent from it'), message: z.string(), createTime: WireTime }),
    ),
  }),
  successCode: '0',
  errors: ['310403'],
});

export const esimTimeline = endpoint({
  name: 'esimkit.esim.events',
  path: '/api/v1/esimkit/esim/events',
  summary: 'Every esimStatus and smdpStatus change of an eSIM: who, when, from, to',
  request: z.object({ esimTranNo: EsimTranNo.optional(), iccid: Iccid.optional() }),
  response: z.object({
    eventList: z.array(
      z.object({
        field: z.enum(['esimStatus', 'smdpStatus']),
        from: z.string().nullable(),
        to: z.string(),
        actor: z.string().describe('merchant, system, device or operator'),
        time: WireTime,
      }),
    ),
  }),
  successCode: '0',
  errors: ['310403'],
});
