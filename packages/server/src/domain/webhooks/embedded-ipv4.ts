import { isIPv4, isIPv6 } from 'node:net';

// An IPv6 address can carry an IPv4 address that the connection really reaches: an
// IPv4-mapped address (::ffff:127.0.0.1, which a dual-stack socket connects over IPv4), an
// IPv4-compatible one (::127.0.0.1), an SIIT-translated one (::ffff:0:127.0.0.1), a NAT64
// prefix (64:ff9b::/96, 64:ff9b:1::/48) or 6to4 (2002:AABB:CCDD::/16) that a gateway turns
// into IPv4, and Teredo (2001:0::/32: its server, and its client obfuscated by XOR). The URL
// policy judges each of these by the IPv4 address inside, whatever way it is written
// (dotted or hex, zeros spelt out or folded into ::).

/** The eight 16-bit groups of an IPv6 address, or undefined if it is not one. */
export function ipv6Groups(address: string): number[] | undefined {
  const text = address.replace(/%.*$/, ''); // a zone (fe80::1%eth0) names an interface, not an address
  if (!isIPv6(text)) return undefined;
  let head = text;
  const groups: number[] = [];
  // A dotted IPv4 tail stands for the last two groups.
  const dotted = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    const bytes = dotted[1]!.split('.').map(Number);
    tail = [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!];
    head = text.slice(0, text.length - dotted[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = parse(left ?? '');
  const rightGroups = [...parse(right ?? ''), ...tail];
  if (right === undefined) {
    groups.push(...leftGroups, ...tail);
  } else {
    groups.push(...leftGroups, ...new Array(8 - leftGroups.length - rightGroups.length).fill(0), ...rightGroups);
  }
  return groups.length === 8 ? groups : undefined;
}

const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/**
 * The IPv4 addresses an IPv6 address leads to (none for a plain IPv6 address). `::` and `::1`
 * are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
 */
export function embeddedIpv4(address: string): string[] {
  if (isIPv4(address)) return [];
  const g = ipv6Groups(address);
  if (!g) return [];
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return [ipv4(g[6]!, g[7]!)]; // ::ffff:a.b.c.d, mapped
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return [ipv4(g[6]!, g[7]!)]; // ::ffff:0:a.b.c.d, SIIT
  if (zeros(0, 6) && !(g[6] === 0 && g[7]! <= 1)) return [ipv4(g[6]!, g[7]!)]; // ::a.b.c.d, compatible
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return [ipv4(g[6]!, g[7]!)]; // 64:ff9b::/96, NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return [ipv4(g[6]!, g[7]!)]; // 64:ff9b:1::/48, local NAT64
  if (g[0] === 0x2002) return [ipv4(g[1]!, g[2]!)]; // 2002:AABB:CCDD::/16, 6to4
  if (g[0] === 0x2001 && g[1] === 0) return [ipv4(g[2]!, g[3]!), ipv4(g[6]! ^ 0xffff, g[7]! ^ 0xffff)]; // Teredo: server, client
  return [];
}
