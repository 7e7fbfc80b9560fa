import { describe, expect, it } from 'vitest';
import { embeddedIpv4, ipv6Groups } from '../src/domain/webhooks/embedded-ipv4.js';
import { checkAddress, checkWebhookTarget, UnsafeWebhookUrl, type Resolver } from '../src/domain/webhooks/url-policy.js';

// The webhook URL policy over a table of address forms: each is judged by the address the
// connection would really reach. Nothing here sends traffic anywhere.

const verdict = (address: string, allowPrivate: boolean): 'ok' | 'private' | 'never' => {
  try {
    checkAddress(address, allowPrivate);
    return 'ok';
  } catch (error) {
    if (!(error instanceof UnsafeWebhookUrl)) throw error;
    return /loopback or private/.test(error.message) ? 'private' : 'never';
  }
};

describe('embedded IPv4 addresses', () => {
  it.each([
    ['::ffff:127.0.0.1', ['127.0.0.1']],
    ['::ffff:7f00:1', ['127.0.0.1']],
    ['0:0:0:0:0:ffff:127.0.0.1', ['127.0.0.1']],
    ['0000:0000:0000:0000:0000:FFFF:7F00:0001', ['127.0.0.1']],
    ['::ffff:0:127.0.0.1', ['127.0.0.1']],
    ['::127.0.0.1', ['127.0.0.1']],
    ['::a9fe:a9fe', ['169.254.169.254']],
    ['64:ff9b::10.0.0.1', ['10.0.0.1']],
    ['64:ff9b::a9fe:a9fe', ['169.254.169.254']],
    ['2002:7f00:1::', ['127.0.0.1']],
    ['2002:c0a8:0101::1', ['192.168.1.1']],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', ['65.54.227.120', '127.0.0.1']],
    ['::1', []],
    ['::', []],
    ['2606:4700::1111', []],
    ['93.184.216.34', []],
  ])('%s embeds %j', (address, expected) => {
    expect(embeddedIpv4(address)).toEqual(expected);
  });

  it('reads every spelling of an address to the same eight groups', () => {
    const groups = [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1];
    for (const form of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '0::ffff:127.0.0.1', '::FFFF:7F00:0001']) expect(ipv6Groups(form), form).toEqual(groups);
    expect(ipv6Groups('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('127.0.0.1')).toBeUndefined();
    expect(ipv6Groups('not an address')).toBeUndefined();
  });
});

describe('the URL policy over address forms', () => {
  // [address, verdict with private addresses refused (production), verdict with them allowed (sandbox)]
  it.each([
    ['127.0.0.1', 'private', 'ok'],
    ['::ffff:127.0.0.1', 'private', 'ok'],
    ['::ffff:7f00:1', 'private', 'ok'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'private', 'ok'],
    ['::127.0.0.1', 'private', 'ok'],
    ['::ffff:0:127.0.0.1', 'private', 'ok'],
    ['64:ff9b::7f00:1', 'private', 'ok'],
    ['64:ff9b:1::a00:1', 'private', 'ok'],
    ['2002:7f00:1::', 'private', 'ok'],
    ['::ffff:10.1.2.3', 'private', 'ok'],
    ['::ffff:192.168.0.10', 'private', 'ok'],
    ['::1', 'private', 'ok'],
    ['fd12::1', 'private', 'ok'],
    ['169.254.169.254', 'never', 'never'],
    ['::ffff:169.254.169.254', 'never', 'never'],
    ['::ffff:a9fe:a9fe', 'never', 'never'],
    ['64:ff9b::169.254.169.254', 'never', 'never'],
    ['2002:a9fe:a9fe::1', 'never', 'never'],
    ['2001:0:4136:e378:8000:63bf:5601:5601', 'never', 'never'], // Teredo client 169.254.169.254 (obfuscated)
    ['::ffff:0.0.0.0', 'never', 'never'],
    ['::', 'never', 'never'],
    ['fe80::1', 'never', 'never'],
    ['fd00:ec2::254', 'never', 'never'],
    ['ff02::1', 'never', 'never'],
    ['93.184.216.34', 'ok', 'ok'],
    ['::ffff:93.184.216.34', 'ok', 'ok'],
    ['2606:4700::1111', 'ok', 'ok'],
  ] as const)('%s: %s in production, %s in the sandbox', (address, production, sandbox) => {
    expect(verdict(address, false)).toBe(production);
    expect(verdict(address, true)).toBe(sandbox);
  });

  it.each(['http://[::ffff:127.0.0.1]:8080/x', 'http://[::ffff:7f00:1]:8080/x', 'http://[0:0:0:0:0:ffff:127.0.0.1]:8080/x', 'http://[::127.0.0.1]/x', 'http://0x7f.1/x', 'http://2130706433/x'])(
    'refuses %s outside the sandbox, however the URL spells loopback',
    async (url) => {
      await expect(checkWebhookTarget(url, false)).rejects.toThrow(/loopback or private/);
    },
  );
});

describe('names checked by what they resolve to, at every check', () => {
  /** A resolver under the test's control: each call answers the next list. */
  const resolverAnswering = (...answers: string[][]): Resolver & { calls: number } => {
    const resolver = Object.assign(
      async () => {
        const answer = answers[Math.min(resolver.calls, answers.length - 1)]!;
        resolver.calls += 1;
        return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
      { calls: 0 },
    );
    return resolver;
  };

  it('pins the connection to the address it checked', async () => {
    const target = await checkWebhookTarget('https://hooks.partner.example/x', false, resolverAnswering(['93.184.216.34']));
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
    expect(target.url.hostname).toBe('hooks.partner.example');
  });

  it('refuses a name when any of its addresses is refused, however spelt', async () => {
    for (const inside of ['127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe']) {
      await expect(checkWebhookTarget('https://hooks.partner.example/x', false, resolverAnswering(['93.184.216.34', inside])), inside).rejects.toBeInstanceOf(UnsafeWebhookUrl);
    }
  });

  it('catches a name rebound to an inside address after it was saved: each delivery resolves and checks again', async () => {
    const rebinding = resolverAnswering(['93.184.216.34'], ['::ffff:127.0.0.1']);
    await expect(checkWebhookTarget('https://rebind.example/x', false, rebinding)).resolves.toMatchObject({ address: '93.184.216.34' });
    await expect(checkWebhookTarget('https://rebind.example/x', false, rebinding)).rejects.toThrow(/loopback or private/);
    expect(rebinding.calls).toBe(2);
  });

  it('refuses a name that resolves to nothing', async () => {
    await expect(checkWebhookTarget('https://empty.example/x', false, resolverAnswering([]))).rejects.toThrow(/does not resolve/);
  });
});
