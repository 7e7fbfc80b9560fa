import { BlockList, isIP } from 'node:net';

/** Per-merchant list of IPs and CIDR blocks refused with 101002. */
export function compileBlocklist(entries: string[]): BlockList {
  const list = new BlockList();
  if (entries.length === 0) empty.add(list);
  for (const entry of entries) {
    const [address, prefix] = entry.trim().split('/');
    const family = isIP(address ?? '');
    if (!family) continue;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(prefix), type);
  }
  return list;
}

const empty = new WeakSet<BlockList>();

export function isBlocked(list: BlockList, ip: string): boolean {
  if (empty.has(list)) return false;
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const family = isIP(plain);
  if (!family) return false;
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

/** Validates operator input: every entry must be an IP or CIDR block. */
export function invalidBlocklistEntries(entries: string[]): string[] {
  return entries.filter((entry) => {
    const [address, prefix] = entry.trim().split('/');
    const family = isIP(address ?? '');
    if (!family) return true;
    if (prefix === undefined) return false;
    const bits = Number(prefix);
    return !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32);
  });
}
