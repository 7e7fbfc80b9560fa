import type { Db } from '../../db/connect.js';
import type { MerchantRow } from '../context.js';

export async function findMerchantByAccessCode(db: Db, accessCode: string): Promise<MerchantRow | undefined> {
  return db.kysely.selectFrom('merchants').selectAll().where('access_code', '=', accessCode).executeTakeFirst();
}
