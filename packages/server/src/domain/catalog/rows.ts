import type { Insertable } from 'kysely';
import type { LocationsTable, PackagesTable } from '../../db/schema.js';

export type PackageRow = Insertable<PackagesTable>;
export type LocationRow = Insertable<LocationsTable>;
