import type { Endpoint } from './endpoint.js';
import { envelopeSchema } from './envelope.js';
import { errorCodes, type ErrorCode } from './errors.js';
import { exampleOf } from './examples.js';
import { toJsonSchema } from './json-schema.js';

export interface OpenApiOptions {
  serverUrl: string;
  version: string;
}

/** The codes an endpoint answers beyond the request-level ones, its invalid-parameter code included. */
export function endpointErrorCodes(ep: Endpoint): ErrorCode[] {
  return [...new Set<ErrorCode>([...ep.errors, ...(ep.invalidParamCode ? [ep.invalidParamCode] : [])])];
}

/** The three families of paths, as OpenAPI tags. */
export const endpointGroups = {
  partner: 'The partner API: the vendor’s endpoints under /api/v1/open',
  esimkit: 'esimkit’s additions under /api/v1/esimkit: same authentication and envelope',
  sandbox: 'The sandbox API under /sandbox/v1: served in sandbox mode only',
} as const;

export function groupOf(path: string): keyof typeof endpointGroups {
  if (path.startsWith('/sandbox/')) return 'sandbox';
  if (path.startsWith('/api/v1/esimkit/')) return 'esimkit';
  return 'partner';
}

function envelopeOf(successCode: null | '0', obj: unknown) {
  return { success: true, errorCode: successCode, errorMsg: null, errorMessage: null, obj };
}

function errorEnvelope(code: ErrorCode) {
  return { success: false, errorCode: code, errorMsg: errorCodes[code], errorMessage: errorCodes[code], obj: null };
}

/** The OpenAPI 3.1 document of the partner API, generated from the contract's schemas. */
export function buildOpenApi(endpoints: readonly Endpoint[], options: OpenApiOptions): Record<string, unknown> {
  const codeTable = Object.entries(errorCodes)
    .map(([code, message]) => `| ${code} | ${message} |`)
    .join('\n');
  const paths: Record<string, unknown> = {};
  for (const ep of endpoints) {
    const example = exampleOf(ep.name);
    const businessCodes = endpointErrorCodes(ep);
    const answerExamples: Record<string, unknown> = {};
    if (example) answerExamples.success = { summary: 'Success', value: envelopeOf(ep.successCode, example.response) };
    if (businessCodes[0]) answerExamples.failure = { summary: `Failure (${businessCodes[0]})`, value: errorEnvelope(businessCodes[0]) };
    paths[ep.path] = {
      post: {
        operationId: ep.name,
        tags: [groupOf(ep.path)],
        summary: ep.summary,
        security: [{ accessCode: [] }, { accessCode: [], signature: [], timestamp: [], requestId: [] }],
        'x-errorCodes': businessCodes,
        requestBody: {
          required: false,
          content: { 'application/json': { schema: toJsonSchema(ep.request, 'input'), ...(example ? { example: example.request } : {}) } },
        },
        responses: {
          '200': {
            description:
              `Envelope. On success errorCode is ${ep.successCode === null ? 'null' : '"0"'} and obj is as below; ` +
              `on failure success is false and errorCode is a six-digit code` +
              (businessCodes.length ? ` (this endpoint adds: ${businessCodes.join(', ')})` : '') +
              '.',
            content: { 'application/json': { schema: toJsonSchema(envelopeSchema(ep.response), 'output'), examples: answerExamples } },
          },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'esimkit: eSIM Access partner API v1',
      version: options.version,
      description:
        'Every endpoint is POST with a JSON body and answers HTTP 200 with the envelope ' +
        '`{success, errorCode, errorMsg, errorMessage, obj}`. Money is integer 1/10,000 USD; volumes are bytes.\n\n' +
        '| code | meaning |\n| --- | --- |\n' +
        codeTable,
    },
    servers: [{ url: options.serverUrl }],
    tags: Object.entries(endpointGroups)
      .filter(([name]) => endpoints.some((ep) => groupOf(ep.path) === name))
      .map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        accessCode: { type: 'apiKey', in: 'header', name: 'RT-AccessCode' },
        signature: { type: 'apiKey', in: 'header', name: 'RT-Signature', description: 'hex(HMAC-SHA256(secretKey, timestamp + requestId + accessCode + body))' },
        timestamp: { type: 'apiKey', in: 'header', name: 'RT-Timestamp', description: 'Unix time in milliseconds (seconds accepted)' },
        requestId: { type: 'apiKey', in: 'header', name: 'RT-RequestID', description: 'UUID, with or without dashes; single use' },
      },
    },
    paths,
  };
}
