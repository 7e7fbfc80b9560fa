import type { ComponentChildren } from 'preact';
import * as shared from '../../parts/lists.js';
import { pageLinks } from '../../parts/lists.js';

export { SelectField } from '../../components.js';
export { formatTime } from '../../parts/lists.js';

// Small pieces the order and eSIM pages share: times, data sizes, statuses, paging and the
// query-string filters every list keeps in its URL.

export const PAGE_SIZE = 25;

/** Bytes as MB or GB (1024-based, as the vendor's volumes are). */
export { formatBytes } from '../../parts/lists.js';

/** A status as a small coloured label; the class names the status (console.css colours a few). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status status-${status.toLowerCase().replace(/_/g, '-')}`}>{status}</span>;
}

/** The page number of a list (`?page=`), 1 when absent or not a number. */
export function pageNumber(query: URLSearchParams): number {
  return shared.pageNumber(query, 100_000);
}

/** Previous/next links that keep the list's filters. */
export function Pager(props: { path: string; query: URLSearchParams; pageNum: number; pageSize: number; total: number; label: string }) {
  const { pages, shown, previous, next } = pageLinks(props);
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <span>
        Page {shown} of {pages} · {props.total} {props.label.toLowerCase()}
      </span>
      {previous && (
        <a href={previous} rel="prev">
          Previous
        </a>
      )}
      {next && (
        <a href={next} rel="next">
          Next
        </a>
      )}
    </nav>
  );
}

/** A GET form of list filters (the results are linkable: the filters are the URL). */
export function FilterForm(props: { action: string; children: ComponentChildren; clear: boolean }) {
  return (
    <form method="get" action={props.action} class="card filters">
      {props.children}
      <div class="filter-buttons">
        <button type="submit">Search</button>
        {props.clear && <a href={props.action}>Clear</a>}
      </div>
    </form>
  );
}

/** A table's empty state, one row spanning its columns. */
export function EmptyRow({ columns, children }: { columns: number; children: ComponentChildren }) {
  return (
    <shared.EmptyRow columns={columns} class="empty">
      {children}
    </shared.EmptyRow>
  );
}

/** One row of a facts table (`<table class="facts">`): what, then its value. */
export function FactRow({ label, value }: { label: string; value: ComponentChildren }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{value}</td>
    </tr>
  );
}
