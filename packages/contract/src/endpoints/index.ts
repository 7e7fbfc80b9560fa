import { balanceQuery } from './balance-query.js';
import { locationList } from './location-list.js';
import { packageList } from './package-list.js';

export { balanceQuery, locationList, packageList };

/** Every partner endpoint, in the order the vendor documents them. */
export const endpoints = [packageList, balanceQuery, locationList] as const;
