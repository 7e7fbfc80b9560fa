import { locationList } from '@esimkit/contract';
import { listLocations } from '../../domain/catalog/list-locations.js';
import { route } from '../route.js';

export const locationListRoute = route(locationList, async (ctx) => ({ locationList: await listLocations(ctx) }));
