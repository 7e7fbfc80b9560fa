import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// Plumbing shared by the orchestrator (run.ts) and its child processes: the messages they
// exchange over the IPC channel, and a small request/answer helper on top of it.

export interface Credentials {
  accessCode: string;
  secretKey: string;
}

/** One endpoint as loaded by the benchmark. */
export interface Target {
  /** Short label for the table, e.g. "package/list (JP)". */
  label: string;
  path: string;
  body: string;
}

export interface LoadRequest {
  url: string;
  path: string;
  body: string;
  credentials: Credentials;
  signed: boolean;
  connections: number;
  duration: number;
}

export interface LoadResult {
  /** Completed 2xx requests per second over the whole run. */
  rps: number;
  /** Latency percentiles in milliseconds, from the client's own per-response timings. */
  p50: number;
  p99: number;
  mean: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  /** CPU time used by the load generator / wall time (1 = one full core). */
  clientCpu: number;
}

export interface CpuSample {
  /** process.cpuUsage() user+system, microseconds. */
  cpuMicros: number;
  /** Monotonic clock, milliseconds. */
  atMs: number;
}

/** Fraction of one core a process used between two samples. */
export function cpuShare(before: CpuSample, after: CpuSample): number {
  return (after.cpuMicros - before.cpuMicros) / 1000 / (after.atMs - before.atMs);
}

export function cpuSample(): CpuSample {
  const usage = process.cpuUsage();
  return { cpuMicros: usage.user + usage.system, atMs: performance.now() };
}

type Message = { id?: number; type: string; [key: string]: unknown };

/** A child process spoken to over IPC: `ask` sends a message and resolves with the answer of the same id. */
export interface Child {
  process: ChildProcess;
  /** Resolves with the child's first message of this type (e.g. "ready"). */
  first<T = Message>(type: string): Promise<T>;
  ask<T = Message>(message: Message): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts `bench/<script>` (compiled: bench/dist/<script>.js) in its own Node process, pinned to `cpu` with taskset
 * when possible (so it never shares a core with the other side of the benchmark).
 */
export function startChild(script: string, options: { cpu: number | undefined; env?: Record<string, string> }): Child {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const node = [process.execPath, file];
  const [command, ...args] = options.cpu === undefined ? node : ['taskset', '-c', String(options.cpu), ...node];
  const child = spawn(command!, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(value: any): void; reject(error: Error): void }>();
  const waiting = new Map<string, Array<(value: any) => void>>();
  const early = new Map<string, Message>();
  let exited: Error | undefined;

  child.on('message', (message: Message) => {
    if (message.type === 'error' && message.id === undefined) {
      const error = new Error(`${script}: ${String(message.message)}`);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
      return;
    }
    if (message.id !== undefined && pending.has(message.id)) {
      const entry = pending.get(message.id)!;
      pending.delete(message.id);
      if (message.type === 'error') entry.reject(new Error(`${script}: ${String(message.message)}`));
      else entry.resolve(message);
      return;
    }
    const listeners = waiting.get(message.type);
    if (listeners?.length) for (const resolve of listeners.splice(0)) resolve(message);
    else early.set(message.type, message);
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = new Error(`${script} exited (code ${code}, signal ${signal})`);
      for (const p of pending.values()) p.reject(exited);
      pending.clear();
      resolve();
    });
  });

  return {
    process: child,
    first(type) {
      const seen = early.get(type);
      if (seen) return Promise.resolve(seen as any);
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        waiting.set(type, [...(waiting.get(type) ?? []), resolve]);
        child.once('exit', () => reject(exited));
      });
    },
    ask(message) {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...message, id });
      });
    },
    async stop() {
      if (exited) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/**
 * The child side: answers each request with the handler's result (same id), reports
 * failures as "error" messages, exits on "stop" after `onStop`.
 */
export function serveParent(handlers: Record<string, (message: Message) => unknown>, onStop: () => Promise<void> | void = () => {}): void {
  process.on('message', async (message: Message) => {
    if (message.type === 'stop') {
      try {
        await onStop();
      } finally {
        process.exit(0);
      }
    }
    const handler = handlers[message.type];
    try {
      if (!handler) throw new Error(`unknown message ${message.type}`);
      const answer = (await handler(message)) as Record<string, unknown> | undefined;
      process.send!({ type: 'answer', ...answer, id: message.id });
    } catch (error) {
      process.send!({ type: 'error', id: message.id, message: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  // The parent going away (Ctrl-C, crash) must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
}

/**
 * A throwaway PostgreSQL schema for a benchmark run. BENCH_POSTGRES_URL (default: the local
 * test database) may carry esimkit's own settings, e.g. `?prepare=false`: the server's URL
 * keeps them and adds the schema; `drop` connects to the bare address.
 */
export function throwawayPostgresSchema(schema: string): { url: string; drop(): Promise<void> } {
  const server = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const bare = new URL(server);
  bare.search = '';
  server.searchParams.set('schema', schema);
  return {
    url: server.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: bare.toString() });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
