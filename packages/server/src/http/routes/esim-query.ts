import { esimQuery } from '@esimkit/contract';
import { queryEsims } from '../../domain/esims/query.js';
import { route } from '../route.js';

export const esimQueryRoute = route(esimQuery, (ctx, input) => queryEsims({ ctx, input }));
