import { describe, expect, it } from 'vitest';
import {
  buildAsyncApi,
  buildOpenApi,
  endpoints,
  envelopeSchema,
  exampleOf,
  extensionEndpoints,
  sandboxEndpoints,
  webhookEventSchemas,
  webhookExamples,
  type NotifyType,
} from '../src/index.js';

// The examples shown in openapi.json, asyncapi.json and /docs are data checked against the
// contract: each request parses with its endpoint's request schema, each answer with its
// response schema, and parsing changes nothing (so no field is misspelt or left over).

const all = [...endpoints, ...extensionEndpoints, ...sandboxEndpoints];

/** The integer schema of a field, alone or as one branch of an anyOf (a number or a string of digits). */
function integerOf(schema: any): any {
  return schema.type === 'integer' ? schema : schema.anyOf?.find((branch: any) => branch.type === 'integer');
}

describe('endpoint examples', () => {
  it.each(all.map((ep) => [ep.name, ep] as const))('%s: request and answer parse with its schemas, unchanged', (_name, ep) => {
    const example = exampleOf(ep.name);
    expect(example, `no example for ${ep.name}`).toBeDefined();
    const request = ep.request.safeParse(example!.request);
    expect(request.error?.issues ?? [], 'request').toEqual([]);
    expect(request.data).toEqual(example!.request);
    const response = ep.response.safeParse(example!.response);
    expect(response.error?.issues ?? [], 'response').toEqual([]);
    expect(response.data).toEqual(example!.response);
  });

  it('openapi.json carries each example: request, success envelope, and a failure of a code the endpoint answers', () => {
    const doc = buildOpenApi(all, { serverUrl: 'http://127.0.0.1:8080', version: 'test' }) as any;
    for (const ep of all) {
      const operation = doc.paths[ep.path].post;
      expect(operation.requestBody.content['application/json'].example).toEqual(exampleOf(ep.name)!.request);
      const answers = operation.responses['200'].content['application/json'].examples;
      const success = envelopeSchema(ep.response).parse(answers.success.value);
      expect(success).toMatchObject({ success: true, errorCode: ep.successCode, obj: exampleOf(ep.name)!.response });
      if (ep.errors.length) {
        expect(answers.failure.value.success).toBe(false);
        expect(operation['x-errorCodes']).toContain(answers.failure.value.errorCode);
      }
    }
  });

  it('openapi.json keeps the contract’s integer bounds and drops the meaningless ±2^53 ones', () => {
    const doc = buildOpenApi(all, { serverUrl: 'http://127.0.0.1:8080', version: 'test' });
    const text = JSON.stringify(doc);
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    expect(JSON.stringify(buildAsyncApi({ version: 'test' }))).not.toContain(String(Number.MAX_SAFE_INTEGER));
    const order = (doc.paths as any)['/api/v1/open/esim/order'].post.requestBody.content['application/json'].schema;
    const item = order.properties.packageInfoList.items.properties;
    expect(integerOf(item.count)).toMatchObject({ minimum: 1, maximum: 30 });
    expect(integerOf(item.periodNum)).toMatchObject({ minimum: 1, maximum: 365 });
    const deposit = (doc.paths as any)['/sandbox/v1/funds/deposit'].post.requestBody.content['application/json'].schema;
    expect(integerOf(deposit.properties.amount)).toMatchObject({ minimum: 1, maximum: 100_000_000 });
  });
});

describe('webhook examples', () => {
  it.each(Object.keys(webhookEventSchemas) as NotifyType[])('%s parses with its event schema, unchanged, and is in asyncapi.json', (type) => {
    const body = webhookExamples[type];
    const parsed = webhookEventSchemas[type].safeParse(body);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(body);
    const doc = buildAsyncApi({ version: 'test' }) as any;
    expect(doc.components.messages[type].examples[0].payload).toEqual(body);
  });
});
