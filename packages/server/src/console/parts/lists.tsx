import type { ComponentChildren } from 'preact';

// What the partner's and the operator's pages share: how a data size and a stored time read, the page
// number in the query string, the previous/next links that keep a list's filters and a
// table's empty row. Each side keeps its own look (classes, wording); the logic is written
// once here.

/** A data size in the plans' binary units (1 GB = 1024 MB): `500 MB`, `102.4 MB`, `1 GB`, `1.5 GB`. */
export function formatBytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return mb >= 1024 ? `${Number((mb / 1024).toFixed(2))} GB` : `${Number(mb.toFixed(1))} MB`;
}

/** A stored time (epoch ms) as people read it: `2026-12-02 23:05 UTC`; '—' for none. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The page number of a list (`?page=`), 1 when absent, not a whole number or above `max`. */
export function pageNumber(query: URLSearchParams, max: number): number {
  const n = Number(query.get('page'));
  return Number.isSafeInteger(n) && n >= 1 && n <= max ? n : 1;
}

/**
 * Where a paged list stands: the number of pages (at least 1), the page shown (the asked
 * one, at most the last) and the links to the previous and next pages with the filters kept.
 */
export function pageLinks(props: { path: string; query: URLSearchParams; pageNum: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const link = (n: number) => {
    const q = new URLSearchParams(props.query);
    q.set('page', String(n));
    return `${props.path}?${q.toString()}`;
  };
  return {
    pages,
    shown: Math.min(props.pageNum, pages),
    previous: props.pageNum > 1 ? link(props.pageNum - 1) : undefined,
    next: props.pageNum < pages ? link(props.pageNum + 1) : undefined,
  };
}

/** A table's empty state: one row spanning its columns (`class`: the partner's `empty`, the operator's `op-empty`). */
export function EmptyRow(props: { columns: number; class: string; children: ComponentChildren }) {
  return (
    <tr>
      <td colSpan={props.columns} class={props.class}>
        {props.children}
      </td>
    </tr>
  );
}
