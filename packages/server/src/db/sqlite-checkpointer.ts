import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies SQLite's write-ahead log back into the database file from a worker thread.
 *
 * By default the connection that commits the 1,000th page of log runs the checkpoint itself:
 * it writes the pages back and syncs the file, 2-12 ms on this machine, on the event loop of
 * the server, every few hundred commits (measured: 316 of 16,208 commits took 1.8 s of the
 * 3.3 s all commits took; docs/benchmarks.md). Here a thread copies the log back with PASSIVE
 * checkpoints every 50 ms on its own connection; they never wait for a lock, so a reader or a
 * commit meanwhile only leaves its pages to the next round.
 *
 * That alone does not bound the log: SQLite starts it again from the beginning only when a
 * write begins after a checkpoint copied all of it, and under steady load a commit always
 * lands during the round. So the server's connection keeps its own checkpoint as a backstop
 * at WAL_BACKSTOP_PAGES: by then the thread has copied nearly everything, the backstop copies
 * the rest between two of the server's own commits, and the log starts over. The log stays
 * under about that many pages (16 MB), and the event loop pays a sync a quarter as often.
 */
export const WAL_BACKSTOP_PAGES = 4000;

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
