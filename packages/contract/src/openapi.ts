import { z } from 'zod';
import type { Endpoint } from './endpoint.js';
import { envelopeSchema } from './envelope.js';
import { errorCodes } from './errors.js';

export interface OpenApiOptions {
  serverUrl: string;
  version: string;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** The OpenAPI 3.1 document of the partner API, generated from the contract's schemas. */
export function buildOpenApi(endpoints: readonly Endpoint[], options: OpenApiOptions): Record<string, unknown> {
  const codeTable = Object.entries(errorCodes)
    .map(([code, message]) => `| ${code} | ${message} |`)
    .join('\n');
  const paths: Record<string, unknown> = {};
  for (const ep of endpoints) {
    paths[ep.path] = {
      post: {
        operationId: ep.name,
        summary: ep.summary,
        security: [{ accessCode: [] }, { accessCode: [], signature: [], timestamp: [], requestId: [] }],
        requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(ep.request, 'input') } } },
        responses: {
          '200': {
            description:
              `Envelope. On success errorCode is ${ep.successCode === null ? 'null' : '"0"'} and obj is as below; ` +
              `on failure success is false and errorCode is a six-digit code` +
              (ep.errors.length ? ` (this endpoint adds: ${ep.errors.join(', ')})` : '') +
              '.',
            content: { 'application/json': { schema: jsonSchema(envelopeSchema(ep.response), 'output') } },
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
