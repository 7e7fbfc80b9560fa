import { sendSms } from '@esimkit/contract';
import { sendSmsToEsim } from '../../domain/esims/send-sms.js';
import { route } from '../route.js';

export const sendSmsRoute = route(sendSms, (ctx, input) => sendSmsToEsim({ ctx, input }));
