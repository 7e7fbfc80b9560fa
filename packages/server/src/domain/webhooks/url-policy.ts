import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.js';

// Where a webhook may point. Never: cloud metadata endpoints, link-local, "this network",
// multicast and broadcast. Loopback and private ranges only when the setting allows them
// (the sandbox default, so partners can use a local receiver; off for operators). Checked
// when a URL is saved and again at every delivery, against every address the name resolves
// to, and the request is then pinned to the checked address (no DNS rebinding).
const never = new BlockList();
never.addSubnet('0.0.0.0', 8, 'ipv4');
never.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. 169.254.169.254 metadata
never.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
never.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
never.addSubnet('100.100.100.200', 32, 'ipv4'); // Alibaba Cloud metadata
never.addAddress('::', 'ipv6');
never.addSubnet('fe80::', 10, 'ipv6'); // link-local
never.addSubnet('ff00::', 8, 'ipv6'); // multicast
never.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

const privateRanges = new BlockList();
privateRanges.addSubnet('127.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('10.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('172.16.0.0', 12, 'ipv4');
privateRanges.addSubnet('192.168.0.0', 16, 'ipv4');
privateRanges.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
privateRanges.addAddress('::1', 'ipv6');
privateRanges.addSubnet('fc00::', 7, 'ipv6'); // unique local
privateRanges.addSubnet('64:ff9b:1::', 48, 'ipv6'); // local-use NAT64: where it leads is the network's choice

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.com']);

export class UnsafeWebhookUrl extends Error {}

export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Judges an address and every IPv4 address it embeds (embedded-ipv4.ts): the connection may
 * really reach either, so each must pass.
 */
export function checkAddress(address: string, allowPrivate: boolean): void {
  for (const candidate of [address, ...embeddedIpv4(address)]) {
    const family = isIP(candidate);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const shown = candidate === address ? address : `${address} (IPv4 ${candidate})`;
    if (family === 0 || never.check(candidate, type)) throw new UnsafeWebhookUrl(`the URL leads to ${shown}, a link-local, metadata or reserved address`);
    if (!allowPrivate && privateRanges.check(candidate, type)) {
      throw new UnsafeWebhookUrl(`the URL leads to ${shown}, a loopback or private address, which this server does not deliver to`);
    }
  }
}

export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeWebhookUrl('the webhook must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UnsafeWebhookUrl('the webhook must use http or https');
  if (url.username || url.password) throw new UnsafeWebhookUrl('the webhook URL must not carry credentials');
  if (METADATA_HOSTS.has(url.hostname.toLowerCase())) throw new UnsafeWebhookUrl('the webhook must not point at a cloud metadata service');
  return url;
}

/** A host name's addresses (dns.lookup with all: true); tests give their own. */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

/**
 * Resolves and checks a webhook URL; throws UnsafeWebhookUrl with the reason. Every address
 * the name resolves to must pass, and the caller connects to the returned one (post.ts pins
 * it), so a DNS answer cannot change between the check and the connection.
 */
export async function checkWebhookTarget(text: string, allowPrivate: boolean, resolve: Resolver = resolveAll): Promise<CheckedTarget> {
  const url = parseWebhookUrl(text);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveChecked(resolve, host);
  for (const a of addresses) checkAddress(a.address, allowPrivate);
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family as 4 | 6 };
}

async function resolveChecked(resolve: Resolver, host: string) {
  const found = await resolve(host);
  if (found.length === 0) throw new UnsafeWebhookUrl(`the webhook host ${host} does not resolve`);
  return found;
}

async function resolveAll(host: string): Promise<{ address: string; family: number }[]> {
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    if (found.length === 0) throw new Error('no address');
    return found;
  } catch {
    throw new UnsafeWebhookUrl(`the webhook host ${host} does not resolve`);
  }
}
