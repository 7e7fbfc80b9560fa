import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Es2NotifyListenerSettings } from '../config.js';
import type { ServiceContext } from '../domain/context.js';
import { decorateUnparsableContentType, setAsideUnparsableContentType } from './content-type.js';
import { registerEs2Notifications } from './es2plus-notifications.js';

// The optional second listener (ES2_NOTIFY_PORT): HTTPS that asks every client for a certificate
// and refuses the handshake unless ES2_NOTIFY_CLIENT_CA signed it, for an SM-DP+ that proves
// who it is only that way. It serves handleDownloadProgressInfo alone, through the same handler
// as the main listener, authenticated by the certificate instead of the bearer token.

/** The PEM texts of the listener's certificate, key and client CA. */
export interface NotifyListenerTls {
  cert: string;
  key: string;
  ca: string;
}

/** Read once at start, before the database is opened: a missing file fails the start with its setting's name. */
export function readNotifyListenerTls(settings: Es2NotifyListenerSettings): NotifyListenerTls {
  const read = (setting: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`${setting}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return { cert: read('ES2_NOTIFY_TLS_CERT', settings.certFile), key: read('ES2_NOTIFY_TLS_KEY', settings.keyFile), ca: read('ES2_NOTIFY_CLIENT_CA', settings.clientCaFile) };
}

export interface NotifyListenerDeps {
  ctx: ServiceContext;
  tls: NotifyListenerTls;
  logger: FastifyBaseLogger | undefined;
}

export async function buildNotifyListener(deps: NotifyListenerDeps): Promise<FastifyInstance> {
  const { ctx, tls } = deps;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    https: { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    bodyLimit: ctx.config.bodyLimit,
    requestTimeout: ctx.config.requestTimeoutMs,
    trustProxy: false,
    return503OnClosing: false,
  });
  // As on the main listener: the body as bytes whatever its type (the handler checks the type and
  // parses the JSON itself), and a Content-Type fastify cannot parse set aside for the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  decorateUnparsableContentType(app);
  app.addHook('onRequest', (request, _reply, done) => {
    setAsideUnparsableContentType(request);
    done();
  });
  registerEs2Notifications(app, ctx, 'client-certificate');
  return app;
}
