import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import type { ServiceContext } from '../domain/context.js';

// qrCodeUrl and shortUrl of esim/query: a PNG of the activation code and a small page to
// install from. They are public like the vendor's; the 32-hex token in the path is the secret.
const TOKEN = /^[0-9a-f]{32}$/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A cancelled or revoked eSIM's activation code must not be installable any more. */
const WITHDRAWN = new Set(['CANCEL', 'REVOKE']);

async function findByToken(ctx: ServiceContext, token: string) {
  if (!TOKEN.test(token)) return undefined;
  return ctx.db.kysely.selectFrom('esims').select(['ac', 'iccid', 'esim_status', 'public_token']).where('public_token', '=', token).executeTakeFirst();
}

export function registerInstallPages(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { file: string } }>('/qr/:file', async (request, reply) => {
    const esim = await findByToken(ctx, request.params.file.replace(/\.png$/, ''));
    if (!esim) return reply.code(404).type('text/plain').send('not found');
    if (WITHDRAWN.has(esim.esim_status)) return reply.code(410).type('text/plain').send('this eSIM was cancelled or revoked');
    const png = await QRCode.toBuffer(esim.ac, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 300 });
    return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
  });

  app.get<{ Params: { token: string } }>('/s/:token', async (request, reply) => {
    const esim = await findByToken(ctx, request.params.token);
    if (!esim) return reply.code(404).type('text/plain').send('not found');
    if (WITHDRAWN.has(esim.esim_status)) return reply.code(410).type('text/plain').send('this eSIM was cancelled or revoked');
    const [, address = '', matchingId = ''] = esim.ac.split('$');
    const page = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Install your eSIM</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}code{word-break:break-all}img{width:260px;height:260px}</style></head>
<body><h1>Install your eSIM</h1>
<img src="/qr/${esim.public_token}.png" alt="QR code of the activation code">
<p>Activation code: <code>${escapeHtml(esim.ac)}</code></p>
<p>ICCID: <code>${escapeHtml(esim.iccid)}</code></p>
<h2>How to install</h2>
<ol><li>Connect to Wi-Fi.</li>
<li>iPhone: Settings, Cellular (Mobile Data), Add eSIM, Use QR Code. Android: Settings, Network &amp; internet, SIMs, Add eSIM.</li>
<li>Scan the QR code, or enter the details by hand: SM-DP+ address <code>${escapeHtml(address)}</code>, activation code <code>${escapeHtml(matchingId)}</code>.</li>
<li>Turn on data roaming for this eSIM when you arrive.</li></ol>
</body></html>`;
    return reply.type('text/html; charset=utf-8').send(page);
  });
}
