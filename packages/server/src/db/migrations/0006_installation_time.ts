import { sql } from 'kysely';
import type { AnyDb, Dialect } from '../dialect.js';

// Frozen: esim/query answers `installationTime`, the first time the profile reached a
// device. Profiles installed before this migration get it from their timeline.
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('esims').addColumn('installed_at', dialect.bigint).execute();
  await sql`UPDATE esims SET installed_at = (
      SELECT MIN(at) FROM esim_events
      WHERE esim_events.esim_id = esims.id AND field = 'smdpStatus' AND to_value = 'INSTALLATION')`.execute(db);
}
