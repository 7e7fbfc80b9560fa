import { formatBytes, type EsimItem } from '@esimkit/sdk';
import QRCode from 'qrcode';

// How allocated profiles look in a terminal: a line per eSIM with its QR code drawn in
// characters, the activation code and the links; and a spinner while they are allocated.
// QR art is drawn only when stdout is a terminal: in a file or a pipe it is noise, and the
// QR code's URL (a PNG) is printed either way.
export async function printProfiles(esims: EsimItem[], options: { qr: boolean }): Promise<void> {
  for (const esim of esims) {
    const lines = [
      `eSIM ${esim.esimTranNo}  ICCID ${esim.iccid}  ${esim.esimStatus}/${esim.smdpStatus}  ${formatBytes(esim.totalVolume)}, ${esim.totalDuration} days`,
      `  activation code  ${esim.ac}`,
      `  QR code          ${esim.qrCodeUrl}`,
      `  install page     ${esim.shortUrl}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (options.qr && process.stdout.isTTY) process.stdout.write(`${await QRCode.toString(esim.ac, { type: 'terminal', small: true })}\n`);
  }
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner on stderr while `work` runs; nothing when stderr is not a terminal. */
export async function withSpinner<T>(text: string, work: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work();
  const started = Date.now();
  let frame = 0;
  const draw = () => process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  draw();
  const timer = setInterval(draw, 80);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    process.stderr.write('\r\x1b[2K');
  }
}
