import { code, escapeHtml, heading, inline, jsonBlock, type Json, type Section } from './html.js';
import { fieldTable } from './schema-fields.js';

// One section per family of paths (the OpenAPI tags), one entry per endpoint: what it does,
// its request fields, the fields of `obj` in its answer, the codes it adds, an example
// request and answer.

export interface Operation {
  path: string;
  name: string;
  summary: string;
  tag: string;
  errorCodes: string[];
  request: Json | undefined;
  requestExample: unknown;
  /** The schema of `obj` on success. */
  response: Json | undefined;
  answerExamples: Record<string, { summary?: string; value: unknown }>;
}

function mediaOf(container: unknown): Json {
  return (((container as Json | undefined)?.content as Json | undefined)?.['application/json'] ?? {}) as Json;
}

/** The operations of an OpenAPI document, in its order. */
export function operationsOf(openApi: Json): Operation[] {
  const paths = openApi.paths as Record<string, { post: Json }>;
  return Object.entries(paths).map(([path, { post }]) => {
    const request = mediaOf(post.requestBody);
    const answer = mediaOf((post.responses as Json)['200']);
    const envelope = answer.schema as Json | undefined;
    const obj = (envelope?.properties as Json | undefined)?.obj as Json | undefined;
    const objSchema = ((obj?.anyOf as Json[] | undefined) ?? []).find((s) => s.type !== 'null') ?? obj;
    return {
      path,
      name: post.operationId as string,
      summary: post.summary as string,
      tag: ((post.tags as string[] | undefined) ?? ['partner'])[0]!,
      errorCodes: (post['x-errorCodes'] as string[] | undefined) ?? [],
      request: request.schema as Json | undefined,
      requestExample: request.example,
      response: objSchema,
      answerExamples: (answer.examples ?? {}) as Operation['answerExamples'],
    };
  });
}

export function endpointId(name: string): string {
  return `ep-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

/** `/api/v1/open/esim/order` to `esim/order` for the table of contents. */
export function shortPath(path: string): string {
  return path.replace(/^\/(api\/v1\/(open|esimkit)|sandbox\/v1)\//, '');
}

export function errorId(code: string): string {
  return `error-${code}`;
}

function codeLinks(codes: string[]): string {
  return codes.map((c) => `<a href="#${errorId(c)}">${code(c)}</a>`).join(', ');
}

function successCodeText(op: Operation): string {
  const value = (op.answerExamples.success?.value as Json | undefined)?.errorCode;
  return value === null ? code('null') : code(JSON.stringify(value ?? '0'));
}

export function renderEndpoint(op: Operation): string {
  const id = endpointId(op.name);
  const adds = op.errorCodes.length
    ? `Beyond the request-level codes it can answer ${codeLinks(op.errorCodes)}.`
    : 'It answers only the request-level codes.';
  const empty = op.request && Object.keys((op.request.properties as Json | undefined) ?? {}).length === 0;
  const success = op.answerExamples.success?.value;
  const failure = op.answerExamples.failure;
  return `<section class="endpoint" aria-labelledby="${id}">
${heading(3, id, `<span class="verb">POST</span> ${escapeHtml(op.path)}`)}
<p>${inline(op.summary)}.</p>
<p class="meta">On success ${code('errorCode')} is ${successCodeText(op)}. ${adds} Name in metrics and the SDK: ${code(op.name)}.</p>
<h4>Request</h4>
${empty ? '<p class="none">No fields: send <code>{}</code> or an empty body.</p>' : fieldTable(op.request, true)}
<h4>Answer <code>obj</code></h4>
${fieldTable(op.response, false)}
<div class="examples">
<div><h5>Example request body</h5>${jsonBlock(op.requestExample ?? {}, `example request for ${op.path}`)}</div>
${success === undefined ? '' : `<div><h5>Example answer</h5>${jsonBlock(success, `example answer for ${op.path}`)}</div>`}
</div>
${failure ? `<details><summary>Example failure: ${escapeHtml(String((failure.value as Json).errorCode))}</summary>${jsonBlock(failure.value)}</details>` : ''}
</section>`;
}

export interface GroupText {
  tag: string;
  id: string;
  title: string;
  intro: string;
}

export function endpointGroupSection(group: GroupText, operations: Operation[]): Section {
  const mine = operations.filter((op) => op.tag === group.tag);
  return {
    id: group.id,
    title: group.title,
    html: `${heading(2, group.id, escapeHtml(group.title))}${group.intro}${mine.map(renderEndpoint).join('\n')}`,
    entries: mine.map((op) => ({ id: endpointId(op.name), title: shortPath(op.path) })),
  };
}
