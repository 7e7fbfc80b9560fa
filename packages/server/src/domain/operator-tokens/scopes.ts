// What an operator token may do. Each operator endpoint names one scope; a token carries a
// list of them, or `*` for all. Money has its own scope (a token that provisions merchants
// need not move their balances), and reading is apart from writing everywhere.

export const operatorScopes = {
  'merchants:read': 'list merchants, read one, its ledger statement',
  'merchants:write': 'create merchants, change their API settings and IP block list, disable and enable them',
  'funds:write': "deposit to and adjust merchants' balances (each with a reason on the ledger)",
  'catalog:read': 'list packages and their profile sources',
  'catalog:write': "import a catalogue, change a package's price or profile source",
  'inventory:read': 'stock of imported profiles per package',
  'inventory:write': 'import profiles',
  'usage:write': 'post usage records from the network',
  'orders:read': "every merchant's orders and eSIMs",
  'webhooks:read': 'webhook delivery health',
} as const;

export type OperatorScope = keyof typeof operatorScopes;

/** Every scope, now and later. */
export const ALL_SCOPES = '*';

export function isOperatorScope(value: string): value is OperatorScope {
  return Object.hasOwn(operatorScopes, value);
}

/** Whether a token's stored scopes (`a,b` or `*`) include `needed`. */
export function grants(scopes: readonly string[], needed: OperatorScope): boolean {
  return scopes.includes(ALL_SCOPES) || scopes.includes(needed);
}

/** The stored form (comma-separated) back to a list. */
export function parseStoredScopes(stored: string): string[] {
  return stored.split(',').filter(Boolean);
}
