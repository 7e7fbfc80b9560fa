import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies SQLite's write-ahead log back into the database file from a worker thread.
 *
 * By default the connection that commits the 1,000th page of log runs the checkpoint itself:
 * it writes the pages back and syncs the file, 2-12 ms on this machine, on the event loop of
 * the server, every few hundred commits (measured: 316 of 16,208 commits took 1.8 s of the
 * 3.3 s all commits took; docs/benchmarks.md). The server turns that off
 * (`wal_autocheckpoint = 0`) and this thread checkpoints instead, on its own connection, with
 * PASSIVE checkpoints that never wait for a lock: a reader still using old pages only
 * postpones the pages it uses to the next round. The log grows no larger than what is written
 * between two rounds; SQLite starts it again from the beginning once it is all copied back.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

// Plain JavaScript evaluated in the worker, so it runs the same from the TypeScript sources
// (tests) and from the compiled and bundled builds; better-sqlite3 is resolved by the parent.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma(workerData.durable ? 'synchronous = FULL' : 'synchronous = NORMAL');
let stopping = false;
const round = () => {
  if (stopping) return;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
  setTimeout(round, workerData.intervalMs);
};
parentPort.on('message', () => { stopping = true; try { db.close(); } finally { process.exit(0); } });
round();
`;

export function startSqliteCheckpointer(path: string, options: { durable: boolean; intervalMs?: number; onError?: (message: string) => void }): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, durable: options.durable, intervalMs: options.intervalMs ?? 50 } });
  worker.on('message', (message: { error?: string }) => {
    if (message.error) options.onError?.(message.error);
  });
  worker.on('error', (error) => options.onError?.(error.message));
  // The thread must not keep a finishing process alive (a CLI command, a test).
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
