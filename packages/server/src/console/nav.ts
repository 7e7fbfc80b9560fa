/**
 * The console's navigation: one list, filtered by who is signed in. A page author adds a
 * line here when adding a page that belongs in the menu; `match` marks the entry current on
 * the page's sub-pages too (an eSIM's detail under eSIMs).
 */
export interface NavEntry {
  href: string;
  label: string;
  for: 'merchant' | 'operator';
  /** Only in sandbox mode. */
  sandbox?: boolean;
}

export const NAV: readonly NavEntry[] = [
  { href: '/console/dashboard', label: 'Dashboard', for: 'merchant' },
  { href: '/console/orders', label: 'Orders', for: 'merchant' },
  { href: '/console/esims', label: 'eSIMs', for: 'merchant' },
  { href: '/console/catalogue', label: 'Catalogue', for: 'merchant' },
  { href: '/console/balance', label: 'Balance', for: 'merchant' },
  { href: '/console/webhooks', label: 'Webhooks', for: 'merchant' },
  { href: '/console/api', label: 'API access', for: 'merchant' },
  { href: '/console/requests', label: 'Request log', for: 'merchant' },
  { href: '/console/sandbox', label: 'Sandbox', for: 'merchant', sandbox: true },
  { href: '/console/operator', label: 'Overview', for: 'operator' },
  { href: '/console/operator/merchants', label: 'Merchants', for: 'operator' },
  { href: '/console/operator/catalogue', label: 'Catalogue', for: 'operator' },
  { href: '/console/operator/inventory', label: 'Inventory', for: 'operator' },
  { href: '/console/operator/orders', label: 'Orders', for: 'operator' },
  { href: '/console/operator/esims', label: 'eSIMs', for: 'operator' },
  { href: '/console/operator/webhooks', label: 'Webhooks', for: 'operator' },
];

/** The entry a path belongs to: the longest href that is the path or a parent of it. */
export function currentEntry(entries: readonly NavEntry[], path: string): NavEntry | undefined {
  const fits = entries.filter((e) => path === e.href || path.startsWith(`${e.href}/`));
  return fits.sort((a, b) => b.href.length - a.href.length)[0];
}
