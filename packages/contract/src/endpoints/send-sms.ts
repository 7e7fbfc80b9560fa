import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { EsimTranNo, Iccid } from '../fields.js';

export const sendSms = endpoint({
  name: 'esim.sendSms',
  path: '/api/v1/open/esim/sendSms',
  summary: 'Send an SMS to an installed eSIM whose package supports SMS',
  request: z.object({
    esimTranNo: EsimTranNo.optional(),
    iccid: Iccid.optional(),
    message: z.string().min(1).max(500).describe('1-500 characters'),
  }),
  response: z.object({}),
  successCode: '0',
  errors: ['200002', '310403'],
});
