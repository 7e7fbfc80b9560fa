import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lifecycleDiagram } from '../src/domain/lifecycle/diagram.js';
import { jobKinds } from '../src/jobs/catalog.js';

// docs/architecture.md made checkable: the layers import only what the document says they
// may, the lifecycle module is the only writer of the two statuses, and the document's
// diagrams and job list are what the code holds. UPDATE_DOCS=1 rewrites the generated parts.
const SRC = fileURLToPath(new URL('../src', import.meta.url));
const DOC = fileURLToPath(new URL('../../../docs/architecture.md', import.meta.url));

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles().map((path) => ({ name: relative(SRC, path), text: readFileSync(path, 'utf8') }));

/** What a file imports: project files as paths under src/, packages by name. */
function importsOf(file: { name: string; text: string }): string[] {
  return [...file.text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => {
    const spec = m[1]!;
    if (!spec.startsWith('.')) return spec;
    return relative(SRC, join(SRC, file.name, '..', spec)).replace(/\.js$/, '.ts');
  });
}

const inLayer = (layer: string) => files.filter((f) => f.name.startsWith(`${layer}/`));

describe('layers import only what docs/architecture.md allows', () => {
  const rules: { layer: string; forbidden: RegExp; why: string }[] = [
    { layer: 'lib', forbidden: /^(?!node:)/, why: 'lib/ is plain helpers on Node built-ins only' },
    { layer: 'domain', forbidden: /^(http\/|sim\/|es2plus\/(?!wire\.ts)|runtime|server|fastify|ioredis|prom-client|@fastify)/, why: 'the domain knows nothing of HTTP or of the adapters (the ES2+ binding\'s vocabulary aside)' },
    { layer: 'es2plus', forbidden: /^(?!node:|lib\/|domain\/ports\.ts$|es2plus\/)/, why: 'the ES2+ adapter sees only the port it implements, its wire format and Node' },
    { layer: 'sim', forbidden: /^(http\/|jobs\/|runtime|server|domain\/(?!ports\.ts))/, why: 'adapters see only the ports the domain declares' },
    { layer: 'db', forbidden: /^(http\/|sim\/|jobs\/|domain\/(?!lifecycle\/states\.ts))/, why: 'storage knows only the status types of the rows it describes' },
    { layer: 'http', forbidden: /^(sim\/|runtime|server)/, why: 'routes call domain verbs, never adapters' },
  ];
  for (const rule of rules) {
    it(`${rule.layer}/: ${rule.why}`, () => {
      const layerFiles = inLayer(rule.layer);
      expect(layerFiles.length).toBeGreaterThan(0);
      const offending = layerFiles.flatMap((f) => importsOf(f).filter((spec) => rule.forbidden.test(spec)).map((spec) => `${f.name} imports ${spec}`));
      expect(offending).toEqual([]);
    });
  }

  it('the job queue and catalogue know no domain code (handlers.ts wires the two)', () => {
    for (const name of ['jobs/queue.ts', 'jobs/catalog.ts']) {
      const file = files.find((f) => f.name === name)!;
      expect(importsOf(file).filter((spec) => spec.startsWith('domain/'))).toEqual([]);
    }
  });

  it('sim/ runs no SQL on eSIM rows', () => {
    for (const file of inLayer('sim')) expect(file.text, file.name).not.toMatch(/(selectFrom|updateTable|insertInto|deleteFrom)\('esims'\)/);
  });
});

describe('the lifecycle is the only writer of esimStatus and smdpStatus', () => {
  it('no file outside domain/lifecycle/ writes either column', () => {
    const writers = files
      .filter((f) => !f.name.startsWith('domain/lifecycle/') && f.name !== 'db/schema.ts')
      .filter((f) => /\b(esim_status|smdp_status)\s*:/.test(f.text) || /\.set\(\{[^}]*\b(esim_status|smdp_status)\b/s.test(f.text))
      .map((f) => f.name);
    expect(writers).toEqual([]);
  });
});

/** The document's text between `<!-- generated:NAME -->` and `<!-- end:NAME -->`. */
function section(doc: string, name: string): string | undefined {
  const match = new RegExp(`<!-- generated:${name} -->\\n([\\s\\S]*?)\\n<!-- end:${name} -->`).exec(doc);
  return match?.[1];
}

function generated(): Record<string, string> {
  return {
    'esim-status': '```mermaid\n' + lifecycleDiagram('esim') + '\n```',
    'smdp-status': '```mermaid\n' + lifecycleDiagram('smdp') + '\n```',
    'job-kinds': ['| kind | why it is a job |', '| --- | --- |', ...Object.entries(jobKinds).map(([kind, why]) => `| \`${kind}\` | ${why} |`)].join('\n'),
  };
}

describe('docs/architecture.md shows what the code holds', () => {
  it('its state diagrams are drawn from the transition table, and its job list from the catalogue', () => {
    let doc = readFileSync(DOC, 'utf8');
    const parts = generated();
    if (process.env.UPDATE_DOCS === '1') {
      for (const [name, text] of Object.entries(parts)) {
        doc = doc.replace(new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(\\n<!-- end:${name} -->)`), `$1${text}$2`);
      }
      writeFileSync(DOC, doc);
    }
    for (const [name, text] of Object.entries(parts)) expect(section(doc, name), `${name} (UPDATE_DOCS=1 npx vitest run ${relative(process.cwd(), fileURLToPath(import.meta.url))} rewrites it)`).toBe(text);
  });
});
