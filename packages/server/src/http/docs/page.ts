import { authSection } from './auth.js';
import { endpointGroupSection, operationsOf } from './endpoints.js';
import { errorsSection } from './errors.js';
import { esimkitGroup, partnerGroup, sandboxGroup } from './groups.js';
import { code, escapeHtml, heading, type Json, type Section } from './html.js';
import { overviewSection } from './overview.js';
import { css } from './style.js';
import { webhooksSection } from './webhooks.js';

// /docs: the API reference as one self-contained page (no script, no external assets, so it
// works on an air-gapped operator's network), generated from the OpenAPI and AsyncAPI
// documents the server also serves, so it always describes the running contract.

export interface DocsInput {
  openApi: Json;
  asyncApi: Json;
}

function toc(sections: Section[]): string {
  const items = sections
    .map((s) => {
      const entries = s.entries?.length ? `<ol>${s.entries.map((e) => `<li><a href="#${escapeHtml(e.id)}">${escapeHtml(e.title)}</a></li>`).join('')}</ol>` : '';
      return `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>${entries}</li>`;
    })
    .join('');
  return `<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${items}</ol></nav>`;
}

function machineReadable(): Section {
  return {
    id: 'machine-readable',
    title: 'Machine-readable documents',
    html: `${heading(2, 'machine-readable', 'Machine-readable documents')}
<p>This page is generated from the documents below, which the server also serves; generate clients or mocks from them.</p>
<ul>
<li><a href="/openapi.json">/openapi.json</a>: OpenAPI 3.1, every endpoint above with its schemas, integer bounds, examples and the codes it adds (${code('x-errorCodes')}).</li>
<li><a href="/asyncapi.json">/asyncapi.json</a>: AsyncAPI 3.0, the webhook events with their schemas and examples.</li>
</ul>`,
  };
}

export function renderDocsPage({ openApi, asyncApi }: DocsInput): string {
  const info = openApi.info as Json;
  const baseUrl = ((openApi.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? '';
  const operations = operationsOf(openApi);
  const hasSandbox = operations.some((op) => op.tag === 'sandbox');
  const sections: Section[] = [
    overviewSection(baseUrl, operations),
    authSection(baseUrl),
    errorsSection(operations),
    endpointGroupSection(partnerGroup, operations),
    endpointGroupSection(esimkitGroup, operations),
    ...(hasSandbox ? [endpointGroupSection(sandboxGroup, operations)] : []),
    webhooksSection(asyncApi),
    machineReadable(),
  ];
  const title = escapeHtml(info.title as string);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${css}</style></head>
<body><div class="layout">
<header class="top"><h1>${title}</h1><p>API reference, version ${escapeHtml(info.version as string)}. ${hasSandbox ? 'This server runs in sandbox mode.' : 'This server runs in production mode: the sandbox API is not served.'}</p></header>
${toc(sections)}
<main>
${sections.map((s) => s.html).join('\n')}
</main>
</div></body></html>`;
}
