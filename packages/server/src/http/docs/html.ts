// Small helpers the /docs sections share: escaping, inline code, tables that stay readable
// on a phone, JSON blocks.
export type Json = Record<string, unknown>;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Plain text whose `backticked` parts are code (the contract's descriptions are written so). */
export function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

export function pre(text: string, label?: string): string {
  const aria = label ? ` aria-label="${escapeHtml(label)}"` : '';
  return `<pre${aria}><code>${escapeHtml(text)}</code></pre>`;
}

export function jsonBlock(value: unknown, label?: string): string {
  return pre(JSON.stringify(value, null, 2), label);
}

/**
 * A table of already-rendered cells. Each cell carries its column name, which narrow screens
 * show in front of the value when rows stack (see style.ts). `rowClass` marks nested rows.
 */
export function table(head: string[], rows: { cells: string[]; className?: string }[], className = ''): string {
  const header = `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map(
      ({ cells, className: rowClass }) =>
        `<tr${rowClass ? ` class="${rowClass}"` : ''}>${cells.map((cell, i) => `<td data-label="${escapeHtml(head[i] ?? '')}">${cell}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="table-wrap"><table${className ? ` class="${className}"` : ''}>${header}<tbody>${body}</tbody></table></div>`;
}

/** A section of the page and its entry in the table of contents. */
export interface Section {
  id: string;
  title: string;
  html: string;
  /** Entries listed under this one in the table of contents. */
  entries?: { id: string; title: string }[];
}

export function heading(level: 2 | 3 | 4, id: string, html: string): string {
  return `<h${level} id="${escapeHtml(id)}"><a class="self" href="#${escapeHtml(id)}">${html}</a></h${level}>`;
}

export function numberText(value: number): string {
  return value.toLocaleString('en-US');
}
