import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { esimkitBin } from './esimkit.js';

// The esimkit server processes under test: each is `esimkit serve` as an operator runs it,
// on its own port, all on the run's database. The killer ends one with SIGKILL (no handler
// runs, nothing is flushed: as a crash or an OOM kill) and starts it again on the same port.

export interface InstanceSettings {
  env: Record<string, string>;
  logDir: string;
}

export class Instance {
  private child: ChildProcess | undefined;
  private log: WriteStream;
  /** Set while the process is up and answering /healthz. */
  ready = false;
  starts = 0;
  kills = 0;
  /** Exits the chaos tool did not cause: each one is a crash of esimkit. */
  readonly unexpectedExits: string[] = [];

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly settings: InstanceSettings,
  ) {
    this.log = createWriteStream(join(settings.logDir, `instance-${index}.log`), { flags: 'a' });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return join(this.settings.logDir, `instance-${this.index}.log`);
  }

  async start(): Promise<void> {
    this.starts += 1;
    this.log.write(`--- start ${this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [esimkitBin, 'serve'], {
      env: { ...process.env, ...this.settings.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.ready = false;
      if (this.child === child) {
        this.child = undefined;
        this.unexpectedExits.push(`instance ${this.index} exited by itself (code ${code}, signal ${signal}); see ${this.logFile}`);
      }
    });
    await this.waitReady(child);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`instance ${this.index} exited while starting; see ${this.logFile}`);
      try {
        const response = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (response.ok) {
          this.ready = true;
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`instance ${this.index} did not answer /healthz within 60 s; see ${this.logFile}`);
  }

  /** SIGKILL, and wait until the process is gone (its port is free again). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = false;
    this.kills += 1;
    this.log.write(`--- SIGKILL at ${new Date().toISOString()}\n`);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }

  /** A clean stop (SIGTERM: the server finishes its requests and writes its replay window). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.ready = false;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }

  /** Last resort on the way out (Ctrl-C, an error): nothing may be left running. */
  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  closeLog(): void {
    this.log.end();
  }
}
