import type { AnyDb } from '../dialect.js';

// Frozen: esim/query by orderNo reads a merchant's eSIMs of one order in created_at, id
// order. The index on (order_id, id) could not give that order, so SQLite chose the
// merchant's (merchant_id, created_at, id) index and walked every eSIM the merchant has
// (1.2-1.9 ms with 6,000 eSIMs, growing with the merchant). This one serves the filter and
// the order together.
export async function up(db: AnyDb): Promise<void> {
  await db.schema.createIndex('esims_order_created').on('esims').columns(['order_id', 'created_at', 'id']).execute();
  await db.schema.dropIndex('esims_order').execute();
}
