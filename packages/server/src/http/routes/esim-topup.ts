import { esimTopup } from '@esimkit/contract';
import { topUpEsim } from '../../domain/esims/topup.js';
import { route } from '../route.js';

export const esimTopupRoute = route(esimTopup, (ctx, input) => topUpEsim({ ctx, input }));
