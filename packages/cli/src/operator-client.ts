// The operator API of a remote esimkit (/api/v1/operator/, docs/operator-api.md) as the
// operator commands call it with --url. Where it is and who calls: --url or
// ESIMKIT_OPERATOR_URL, and the token from ESIMKIT_OPERATOR_TOKEN only (a token on the command
// line would sit in the shell history and in `ps`).

export const OPERATOR_URL_ENV = 'ESIMKIT_OPERATOR_URL';
export const OPERATOR_TOKEN_ENV = 'ESIMKIT_OPERATOR_TOKEN';

/** Exit code of a command that cannot start for want of a setting, as a bad DATABASE_URL's (a ConfigError's). */
export const SETUP_EXIT = 2;

/** How long one request may take: an import batch is applied before it is answered. */
const REQUEST_TIMEOUT_MS = 300_000;

/**
 * A refusal of the operator API (its code and message), or NETWORK / HTTP when no answer of
 * the API came back. The message is the one line the command prints after `error: `.
 */
export class OperatorApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OperatorApiError';
  }
}

/** What to do about a credential problem, appended to the API's own message. */
const HINTS: Record<string, string> = {
  '800101': `check ${OPERATOR_TOKEN_ENV}; tokens are made with \`esimkit operator token create\` on the server's database`,
  '800102': `make a new token with \`esimkit operator token create\` and set ${OPERATOR_TOKEN_ENV}`,
  '800103': 'make a token with that scope: `esimkit operator token create --scopes ...`',
  '800104': `fix ${OPERATOR_TOKEN_ENV} and retry once the lockout is over`,
};

/** Ends the command: a setting it needs is missing or malformed (exit 2, nothing was called). */
export function failSetup(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(SETUP_EXIT);
}

/** The base URL of the remote server, when the command is to call one: --url, else ESIMKIT_OPERATOR_URL. */
export function remoteUrlOf(options: { url?: string }): string | undefined {
  const url = options.url ?? (process.env[OPERATOR_URL_ENV]?.trim() || undefined);
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    failSetup(`--url must be the server's base URL, such as https://esim.example.com, not ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') failSetup(`--url must be an http:// or https:// URL, not ${url}`);
  return url.replace(/\/+$/, '');
}

export class OperatorClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The client for `baseUrl` with the token of the environment; without one, the command ends here. */
  static fromEnvironment(baseUrl: string): OperatorClient {
    const token = process.env[OPERATOR_TOKEN_ENV]?.trim();
    if (!token) {
      failSetup(`--url ${baseUrl} needs an operator token: set ${OPERATOR_TOKEN_ENV} (make one with \`esimkit operator token create\` where the server's database is)`);
    }
    return new OperatorClient(baseUrl, token);
  }

  /** POSTs `body` to /api/v1/operator/`path` and answers the envelope's obj; a refusal throws OperatorApiError. */
  async call<T>(path: string, body: unknown = {}): Promise<T> {
    const url = `${this.baseUrl}/api/v1/operator/${path}`;
    const response = await this.send(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'user-agent': 'esimkit-cli' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let envelope: { success?: unknown; errorCode?: unknown; errorMsg?: unknown; obj?: unknown };
    try {
      envelope = JSON.parse(text);
    } catch {
      throw this.notTheApi(response.status);
    }
    if (envelope?.success === true) return envelope.obj as T;
    if (typeof envelope?.errorCode !== 'string') throw this.notTheApi(response.status);
    const hint = HINTS[envelope.errorCode];
    throw new OperatorApiError(envelope.errorCode, `${envelope.errorCode} ${String(envelope.errorMsg ?? '')}${hint ? ` (hint: ${hint})` : ''}`);
  }

  /** The server's mode (sandbox or production), from its health check. */
  async mode(): Promise<string> {
    const response = await this.send(`${this.baseUrl}/healthz`, { method: 'GET' });
    const health = (await response.json().catch(() => undefined)) as { mode?: unknown } | undefined;
    if (typeof health?.mode !== 'string') throw this.notTheApi(response.status);
    return health.mode;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new OperatorApiError('NETWORK', `cannot reach the operator API at ${this.baseUrl}: ${why} (is esimkit running there? check --url or ${OPERATOR_URL_ENV})`);
    }
  }

  private notTheApi(status: number): OperatorApiError {
    return new OperatorApiError('HTTP', `${this.baseUrl} answered HTTP ${status}, not like esimkit's operator API: check --url or ${OPERATOR_URL_ENV}`);
  }
}
