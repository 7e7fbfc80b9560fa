import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A certificate authority, a server certificate for 127.0.0.1 and a client certificate, made
// by openssl at test time (nothing secret is checked in), for mutual TLS with an SM-DP+.

export interface TestCerts {
  dir: string;
  /** Paths of the PEM files. */
  files: { ca: string; serverKey: string; serverCert: string; clientKey: string; clientCert: string; otherCa: string };
  /** Their texts. */
  pem: { ca: string; serverKey: string; serverCert: string; clientKey: string; clientCert: string; otherCa: string };
  remove(): void;
}

const OPENSSL = '/usr/bin/openssl';

function openssl(dir: string, args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: 'pipe' });
}

/** A P-256 key and a certificate signed by ca (or self-signed with `ca` undefined). */
function issue(dir: string, name: string, subject: string, ca: string | undefined, extensions: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  if (!ca) {
    openssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return;
  }
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'esimkit-certs-'));
  issue(dir, 'ca', '/CN=esimkit test CA', undefined, '');
  issue(dir, 'other-ca', '/CN=some other CA', undefined, '');
  issue(dir, 'server', '/CN=smdp.test', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'client', '/CN=esimkit operator', 'ca', 'extendedKeyUsage=clientAuth\n');
  const files = {
    ca: join(dir, 'ca.pem'),
    otherCa: join(dir, 'other-ca.pem'),
    serverKey: join(dir, 'server.key'),
    serverCert: join(dir, 'server.pem'),
    clientKey: join(dir, 'client.key'),
    clientCert: join(dir, 'client.pem'),
  };
  const read = (path: string) => readFileSync(path, 'utf8');
  return {
    dir,
    files,
    pem: {
      ca: read(files.ca),
      otherCa: read(files.otherCa),
      serverKey: read(files.serverKey),
      serverCert: read(files.serverCert),
      clientKey: read(files.clientKey),
      clientCert: read(files.clientCert),
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
