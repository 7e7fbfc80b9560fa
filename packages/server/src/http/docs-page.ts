// A readable, self-contained page of the API generated from the OpenAPI document: no
// script, no external assets, so it works on an air-gapped operator's network.
type Json = Record<string, unknown>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function fieldRows(schema: Json | undefined): string {
  const properties = (schema?.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema?.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, prop]) => {
    const type = (prop.type as string | undefined) ?? (prop.enum ? 'enum' : prop.anyOf ? 'any of' : 'object');
    const extra = prop.enum ? ` (${(prop.enum as string[]).join(', ')})` : '';
    return `<tr><td><code>${escapeHtml(name)}</code></td><td>${escapeHtml(type + extra)}</td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${escapeHtml(
      (prop.description as string | undefined) ?? '',
    )}</td></tr>`;
  });
  return rows.length ? `<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>${rows.join('')}</table>` : '<p>No fields.</p>';
}

export function renderDocsPage(openApi: Json): string {
  const info = openApi.info as Json;
  const paths = openApi.paths as Record<string, { post: Json }>;
  const sections = Object.entries(paths).map(([path, { post }]) => {
    const request = (((post.requestBody as Json).content as Json)['application/json'] as Json).schema as Json;
    const envelope = ((((post.responses as Json)['200'] as Json).content as Json)['application/json'] as Json).schema as Json;
    const obj = ((envelope.properties as Json).obj as Json).anyOf as Json[] | undefined;
    return `<section><h2>POST ${escapeHtml(path)}</h2><p>${escapeHtml(post.summary as string)}</p>
<h3>Request</h3>${fieldRows(request)}<h3>Response <code>obj</code></h3>${fieldRows(obj?.[0])}</section>`;
  });
  const description = escapeHtml(info.description as string)
    .split('\n')
    .map((line) => (line.startsWith('|') ? `<code>${line}</code><br>` : `<p>${line}</p>`))
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(info.title as string)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}code{font-size:.9em}</style>
</head><body><h1>${escapeHtml(info.title as string)}</h1>${description}<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>${sections.join('')}</body></html>`;
}
