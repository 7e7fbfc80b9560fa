import { sql, type SelectQueryBuilder } from 'kysely';

export interface Page {
  /** 1-based. */
  pageNum: number;
  pageSize: number;
}

/**
 * One page of a filtered query and the number of rows the filter matches, read together:
 * `base` holds the tables and filters, `rowsOf` adds the columns and the order. Every paged
 * list (console and operator API) reads through here, so paging means the same everywhere.
 */
export async function countAndPage<DB, TB extends keyof DB, Row>(
  base: SelectQueryBuilder<DB, TB, object>,
  page: Page,
  rowsOf: (query: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, Row>,
): Promise<{ rows: Row[]; total: number }> {
  const [count, rows] = await Promise.all([
    base.select(sql<string | number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
    rowsOf(base)
      .limit(page.pageSize)
      .offset((page.pageNum - 1) * page.pageSize)
      .execute(),
  ]);
  return { rows, total: Number((count as { total: string | number }).total) };
}
