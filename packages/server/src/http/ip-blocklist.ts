import { BlockList, isIP } from 'node:net';

/** Per-merchant list of IPs and CIDR blocks refused with 101002; null when it is empty (nothing to check). */
export function compileBlocklist(entries: string[]): BlockList | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
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

export function isBlocked(list: BlockList | null, ip: string): boolean {
  if (list === null) return false;
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const family = isIP(plain);
  if (!family) return false;
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}

