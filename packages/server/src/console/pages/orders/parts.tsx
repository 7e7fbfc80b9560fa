import type { ComponentChildren } from 'preact';

// Small pieces the order and eSIM pages share: times, data sizes, statuses, paging and the
// query-string filters every list keeps in its URL.

export const PAGE_SIZE = 25;

/** A stored time (epoch ms, on the merchant's clock) as people read it: `2026-12-02 23:05 UTC`. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '—';
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Bytes as MB or GB (1024-based, as the vendor's volumes are). */
export function formatBytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return mb >= 1024 ? `${(mb / 1024).toFixed(mb % 1024 === 0 ? 0 : 2)} GB` : `${mb.toFixed(mb % 1 === 0 ? 0 : 1)} MB`;
}

/** A status as a small coloured label; the class names the status (console.css colours a few). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status status-${status.toLowerCase().replace(/_/g, '-')}`}>{status}</span>;
}

/** The page number of a list (`?page=`), 1 when absent or not a number. */
export function pageNumber(query: URLSearchParams): number {
  const n = Number(query.get('page'));
  return Number.isSafeInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** Previous/next links that keep the list's filters. */
export function Pager(props: { path: string; query: URLSearchParams; pageNum: number; pageSize: number; total: number; label: string }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const link = (n: number) => {
    const q = new URLSearchParams(props.query);
    q.set('page', String(n));
    return `${props.path}?${q.toString()}`;
  };
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <span>
        Page {Math.min(props.pageNum, pages)} of {pages} · {props.total} {props.label.toLowerCase()}
      </span>
      {props.pageNum > 1 && (
        <a href={link(props.pageNum - 1)} rel="prev">
          Previous
        </a>
      )}
      {props.pageNum < pages && (
        <a href={link(props.pageNum + 1)} rel="next">
          Next
        </a>
      )}
    </nav>
  );
}

/** A labelled <select>; `value` is selected. */
export function SelectField(props: { label: string; name: string; value: string; options: readonly (string | { value: string; label: string })[]; required?: boolean }) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} required={props.required}>
        {props.options.map((o) => {
          const { value, label } = typeof o === 'string' ? { value: o, label: o || 'Any' } : o;
          return (
            <option value={value} selected={value === props.value}>
              {label}
            </option>
          );
        })}
      </select>
    </div>
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
    <tr>
      <td colSpan={columns} class="empty">
        {children}
      </td>
    </tr>
  );
}
