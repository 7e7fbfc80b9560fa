import { packageList } from '@esimkit/contract';
import { cachedPackageList } from '../../domain/catalog/package-list-cache.js';
import { route } from '../route.js';

export const packageListRoute = route(packageList, (ctx, input) => cachedPackageList(ctx, input));
