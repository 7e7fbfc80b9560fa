import { setTimeout as sleep } from 'node:timers/promises';
import type { Instance } from './instances.js';
import { between, pick, type Random } from './random.js';

// Every `killEvery` seconds (0.5x-1.5x, from the seed) one server process, picked at random,
// gets SIGKILL and is started again at once on its port. One kill at a time: with several
// instances the others keep serving meanwhile; with one, partners see refused connections
// until it is back.

export class Killer {
  private running = true;
  private wake: (() => void) | undefined;
  restartFailures: string[] = [];

  constructor(
    private readonly instances: Instance[],
    private readonly killEverySeconds: number,
    private readonly random: Random,
  ) {}

  async run(): Promise<void> {
    while (this.running) {
      await this.pause(between(this.random, 0.5, 1.5) * this.killEverySeconds * 1000);
      if (!this.running) break;
      const target = pick(this.random, this.instances);
      await target.kill();
      try {
        await target.start();
      } catch (error) {
        this.restartFailures.push(error instanceof Error ? error.message : String(error));
        return;
      }
    }
  }

  stop(): void {
    this.running = false;
    this.wake?.();
  }

  private async pause(ms: number): Promise<void> {
    const ac = new AbortController();
    this.wake = () => ac.abort();
    await sleep(ms, undefined, { signal: ac.signal }).catch(() => {});
    this.wake = undefined;
  }
}
