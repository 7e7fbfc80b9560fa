import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

// Summarises a V8 .cpuprofile (from `npm run bench:http -- --profile DIR`): where the CPU time
// went, by area (package or source directory), by function (self time) and by function
// including its callees (total time).
//
//   node bench/dist/profile-summary.js FILE.cpuprofile [--top 25]   (after npm run build)

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
if (!file) {
  console.error('usage: node bench/dist/profile-summary.js FILE.cpuprofile [--top N]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

// Self time per node from the samples and their time deltas (microseconds).
const self = new Map<number, number>();
if (profile.samples && profile.timeDeltas) {
  for (let i = 0; i < profile.samples.length; i++) {
    const next = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + Math.max(0, next));
  }
} else {
  const interval = (profile.endTime - profile.startTime) / profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  for (const n of profile.nodes) self.set(n.id, (n.hitCount ?? 0) * interval);
}
const total = profile.endTime - profile.startTime;

const cwd = process.cwd();
function area(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const rel = relative(cwd, path);
  const parts = rel.split('/');
  return parts.slice(0, Math.min(parts.length - 1, 4)).join('/') || rel;
}
function label(frame: CallFrame): string {
  const url = frame.url ? (frame.url.startsWith('file://') ? relative(cwd, new URL(frame.url).pathname) : frame.url) : '';
  return `${frame.functionName || '(anonymous)'}${url ? ` ${url}:${frame.lineNumber + 1}` : ''}`;
}

const selfByArea = new Map<string, number>();
const selfByFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0;
  if (!t) continue;
  const a = area(node.callFrame);
  selfByArea.set(a, (selfByArea.get(a) ?? 0) + t);
  const f = label(node.callFrame);
  selfByFunction.set(f, (selfByFunction.get(f) ?? 0) + t);
}

// Total (inclusive) time per function, each function counted once per stack.
const totalByFunction = new Map<string, number>();
const parents = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
for (const [id, t] of self) {
  if (!t) continue;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) {
    const f = label(byId.get(cur)!.callFrame);
    if (seen.has(f)) continue;
    seen.add(f);
    totalByFunction.set(f, (totalByFunction.get(f) ?? 0) + t);
  }
}

const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(t)}  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s profiled`);
print('Self time by area', selfByArea, top);
print('Self time by function', selfByFunction, top);
print('Total time by function (including callees)', totalByFunction, top);
