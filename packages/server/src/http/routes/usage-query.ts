import { usageQuery } from '@esimkit/contract';
import { queryUsage } from '../../domain/esims/usage.js';
import { route } from '../route.js';

export const usageQueryRoute = route(usageQuery, (ctx, input) => queryUsage({ ctx, input }));
