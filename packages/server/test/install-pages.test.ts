import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestServer } from './support/harness.js';
import { as, esimPaths, expectSuccess, orderAndWait, packageBySlug, startEsimServer, type Merchant } from './support/orders.js';

// qrCodeUrl (a real PNG of the activation code) and shortUrl (an install page), field-notes §4.
let server: TestServer;
let merchant: Merchant;
let esims: any[];

beforeAll(async () => {
  server = await startEsimServer();
  merchant = await server.merchant({ balance: 1_000_000 });
  const jp = await packageBySlug(server, merchant, 'JP_1_7');
  ({ esims } = await orderAndWait(server, merchant, { packageInfoList: [{ packageCode: jp.packageCode, count: 2 }] }));
});
afterAll(() => server?.close());

// --- a small PNG decoder (8-bit greyscale / RGB / RGBA, not interlaced), CRC-checked ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Image {
  width: number;
  height: number;
  /** Luminance 0-255 of pixel (x, y). */
  lum(x: number, y: number): number;
}

function decodePng(png: Buffer): Image {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | undefined;
  const data: Buffer[] = [];
  let ended = false;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    expect(crc32(png.subarray(offset + 4, offset + 8 + length)), `CRC of ${type}`).toBe(crc);
    if (type === 'IHDR') header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8]!, colour: body[9]!, interlace: body[12]! };
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  expect(ended).toBe(true);
  expect(header).toBeDefined();
  const { width, height, depth, colour, interlace } = header!;
  expect(depth).toBe(8);
  expect(interlace).toBe(0);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colour];
  expect(channels, `colour type ${colour}`).toBeDefined();
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels!;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels! ? pixels[y * stride + i - channels!]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels! ? pixels[(y - 1) * stride + i - channels!]! : 0;
      let value: number;
      if (filter === 0) value = x;
      else if (filter === 1) value = x + a;
      else if (filter === 2) value = x + b;
      else if (filter === 3) value = x + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      } else throw new Error(`bad filter ${filter}`);
      pixels[y * stride + i] = value & 0xff;
    }
  }
  return {
    width,
    height,
    lum(x, y) {
      const p = (y * width + x) * channels!;
      return channels! >= 3 ? Math.round((pixels[p]! + pixels[p + 1]! + pixels[p + 2]!) / 3) : pixels[p]!;
    },
  };
}

/** Reads the module grid of a QR image with `margin` quiet modules around `size` modules. */
function readModules(image: Image, size: number, margin: number): boolean[][] {
  const scale = image.width / (size + 2 * margin);
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => image.lum(Math.floor((margin + col + 0.5) * scale), Math.floor((margin + row + 0.5) * scale)) < 128),
  );
}

function hasFinderAt(grid: boolean[][], top: number, left: number): boolean {
  for (let r = 0; r < 7; r++) {
    for (let c = 0; c < 7; c++) {
      const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
      const dark = ring !== 2; // dark outer ring, light ring, dark 3x3 centre
      if (grid[top + r]![left + c] !== dark) return false;
    }
  }
  return true;
}

async function fetchBytes(url: string) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

describe('qrCodeUrl', () => {
  it('serves a valid PNG image, without credentials', async () => {
    const { status, type, body } = await fetchBytes(esims[0].qrCodeUrl);
    expect(status).toBe(200);
    expect(type).toBe('image/png');
    expect(body.length).toBeGreaterThan(500);
    expect(body.length).toBeLessThan(200_000);
    const image = decodePng(body);
    expect(image.width).toBe(image.height);
    expect(image.width).toBeGreaterThanOrEqual(200);
    expect(image.width).toBeLessThanOrEqual(1000);
  });

  it('shows a QR code of exactly the eSIM\'s activation code', async () => {
    for (const esim of esims) {
      const image = decodePng((await fetchBytes(esim.qrCodeUrl)).body);
      // The module grid a QR encoder (error correction M, as the server draws it) makes of `ac`.
      const expected = QRCode.create(esim.ac, { errorCorrectionLevel: 'M' });
      const size = expected.modules.size;
      const grid = readModules(image, size, 2);
      // Structurally a QR code: finder patterns in three corners...
      expect(hasFinderAt(grid, 0, 0)).toBe(true);
      expect(hasFinderAt(grid, 0, size - 7)).toBe(true);
      expect(hasFinderAt(grid, size - 7, 0)).toBe(true);
      // ...and module for module the code of this eSIM's ac.
      const want = Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) => expected.modules.get(r, c) === 1));
      expect(grid).toEqual(want);
    }
    // Two eSIMs, two different pictures.
    const [a, b] = await Promise.all(esims.map((e) => fetchBytes(e.qrCodeUrl)));
    expect(a!.body.equals(b!.body)).toBe(false);
  });

  it('answers 404 for an unknown or malformed token', async () => {
    const url = new URL(esims[0].qrCodeUrl);
    const token = url.pathname.match(/\/qr\/([0-9a-f]{32})\.png$/)?.[1];
    expect(token).toBeDefined();
    const flipped = token!.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
    for (const path of [`/qr/${flipped}.png`, '/qr/not-a-token.png', `/qr/${token!.toUpperCase()}.png`, `/qr/${token}x.png`]) {
      const { status, type } = await fetchBytes(`${server.baseUrl}${path}`);
      expect(status, path).toBe(404);
      expect(type).not.toBe('image/png');
    }
  });

  it('names each eSIM by its own unguessable token', () => {
    const tokens = esims.map((e) => new URL(e.qrCodeUrl).pathname.match(/^\/qr\/([0-9a-f]{32})\.png$/)?.[1]);
    expect(tokens.every(Boolean)).toBe(true);
    expect(new Set(tokens).size).toBe(esims.length);
    for (const esim of esims) {
      expect(esim.qrCodeUrl).not.toContain(esim.iccid);
      expect(esim.qrCodeUrl).not.toContain(esim.esimTranNo);
    }
  });
});

describe('shortUrl', () => {
  it('serves an HTML install page showing the activation code, its parts and the QR image', async () => {
    const esim = esims[0];
    const response = await fetch(esim.shortUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(esim.ac);
    const [, address, matchingId] = esim.ac.split('$');
    expect(html).toContain(address);
    expect(html).toContain(matchingId);
    expect(html).toContain(esim.iccid);
    const qrPath = new URL(esim.qrCodeUrl).pathname;
    expect(html).toContain(`src="${qrPath}"`);
    // Nothing of the other eSIM.
    expect(html).not.toContain(esims[1].ac);
  });

  it('the page\'s image is the eSIM\'s QR code', async () => {
    const esim = esims[1];
    const html = await (await fetch(esim.shortUrl)).text();
    const src = html.match(/<img[^>]+src="([^"]+)"/)?.[1];
    expect(src).toBeDefined();
    const image = await fetchBytes(new URL(src!, esim.shortUrl).toString());
    expect(image.status).toBe(200);
    expect(image.body.equals((await fetchBytes(esim.qrCodeUrl)).body)).toBe(true);
  });

  it('answers 404 for an unknown token', async () => {
    const response = await fetch(`${server.baseUrl}/s/${'0'.repeat(32)}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('LPA:1');
    for (const path of ['/s/not-a-token', `/s/${'A'.repeat(32)}`]) {
      const malformed = await fetch(`${server.baseUrl}${path}`);
      expect(malformed.status, path).toBe(404);
      expect(await malformed.text()).not.toContain('LPA:1');
    }
  });

  it('is listed by esim/query with the same token as the QR image', async () => {
    const obj = expectSuccess(await call(server, esimPaths.query, { esimTranNo: esims[0].esimTranNo }, as(merchant)));
    const item = obj.esimList[0];
    expect(new URL(item.shortUrl).pathname).toBe(new URL(item.qrCodeUrl).pathname.replace(/^\/qr\/(.*)\.png$/, '/s/$1'));
  });
});
