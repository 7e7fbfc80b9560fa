import { z } from 'zod';
import { ALL_SCOPES, operatorScopes } from '../../domain/operator-tokens/scopes.js';
import { COMMON_CODES, type OperatorRoute } from './endpoint.js';
import { httpStatusOf, operatorErrorCodes, type OperatorErrorCode } from './errors.js';

export const OPERATOR_OPENAPI_PATH = '/api/v1/operator/openapi.json';

/** A zod schema as the document carries it (JSON Schema without `$schema` and zod's placeholder integer bounds). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest), (key, value) => ((key === 'minimum' || key === 'maximum') && Math.abs(value) === Number.MAX_SAFE_INTEGER ? undefined : value));
}

function envelope(obj: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    required: ['success', 'errorCode', 'errorMsg', 'errorMessage', 'obj'],
    properties: {
      success: { type: 'boolean' },
      errorCode: { type: ['string', 'null'], description: '"0" on success; a six-digit code on failure' },
      errorMsg: { type: ['string', 'null'] },
      errorMessage: { type: ['string', 'null'] },
      obj: { anyOf: [obj, { type: 'null' }] },
    },
  };
}

function failure(code: OperatorErrorCode) {
  return { success: false, errorCode: code, errorMsg: operatorErrorCodes[code], errorMessage: operatorErrorCodes[code], obj: null };
}

/**
 * The operator API's OpenAPI 3.1 document, made from the routes' own schemas (what the
 * routes validate with), so the two cannot drift.
 */
export function buildOperatorOpenApi(routes: readonly OperatorRoute[], options: { serverUrl: string; version: string }): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const route of routes) {
    const codes = [...new Set([...route.errors, ...COMMON_CODES])];
    const byStatus = new Map<number, OperatorErrorCode[]>();
    for (const code of codes) byStatus.set(httpStatusOf(code), [...(byStatus.get(httpStatusOf(code)) ?? []), code]);
    const failureAnswers = Object.fromEntries(
      [...byStatus].filter(([status]) => status !== 200).map(([status, list]) => [
        String(status),
        {
          description: `Failure: ${list.join(', ')}`,
          content: { 'application/json': { schema: envelope({ type: 'null' }), example: failure(list[0]!) } },
        },
      ]),
    );
    paths[route.path] = {
      post: {
        operationId: route.name,
        summary: route.summary,
        tags: [route.path.split('/')[4]],
        security: [{ operatorToken: [route.scope] }],
        'x-scope': route.scope,
        'x-errorCodes': codes,
        requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(route.request, 'input') } } },
        responses: {
          '200': {
            description: `Envelope. On success errorCode is "0" and obj is as below; on failure success is false (codes: ${(byStatus.get(200) ?? []).join(', ')}).`,
            content: { 'application/json': { schema: envelope(jsonSchema(route.response, 'output')) } },
          },
          ...failureAnswers,
        },
      },
    };
  }
  const codeTable = Object.entries(operatorErrorCodes)
    .map(([code, message]) => `| ${code} | ${httpStatusOf(code)} | ${message} |`)
    .join('\n');
  return {
    openapi: '3.1.0',
    info: {
      title: 'esimkit operator API',
      version: options.version,
      description:
        'Manage merchants, the catalogue, inventory and usage records; read orders, eSIMs and webhook health across merchants. ' +
        'Every endpoint is POST with a JSON body and answers the envelope `{success, errorCode, errorMsg, errorMessage, obj}`: ' +
        'HTTP 200, except 401 (no, unknown or revoked token), 403 (missing scope) and 429 (too many wrong tokens). ' +
        'Money is integer 1/10,000 USD; times are ISO 8601 UTC.\n\n| code | HTTP | meaning |\n| --- | --- | --- |\n' +
        codeTable,
    },
    servers: [{ url: options.serverUrl }],
    components: {
      securitySchemes: {
        operatorToken: {
          type: 'http',
          scheme: 'bearer',
          description: `An operator token (esk_op_...), made by \`esimkit operator token create\`. Scopes: ${ALL_SCOPES} (all), ${Object.entries(operatorScopes)
            .map(([scope, what]) => `${scope} (${what})`)
            .join(', ')}.`,
        },
      },
    },
    paths,
  };
}
