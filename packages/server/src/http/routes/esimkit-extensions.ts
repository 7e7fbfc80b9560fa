import { esimSmsList, esimTimeline } from '@esimkit/contract';
import { esimSmsMessages, esimTimeline as readTimeline } from '../../domain/esims/timeline.js';
import { route } from '../route.js';

export const esimSmsListRoute = route(esimSmsList, (ctx, input) => esimSmsMessages({ ctx, input }));
export const esimTimelineRoute = route(esimTimeline, (ctx, input) => readTimeline({ ctx, input }));
