import { createConnection } from 'node:net';

// Tests that need Redis ask once, when the file is collected, whether it answers. Without it
// they are reported skipped with the reason, rather than failing on an assertion that only
// says the rate limit was not shared. Under CI (CI set, as .ci/run does) Redis is part of
// the set-up, so its absence fails those tests instead: CI never skips them quietly.

export interface RedisProbe {
  up: boolean;
  /** Why the tests were skipped or fail; undefined when Redis answered. */
  reason: string | undefined;
  /** Skip the tests: Redis is down and this is not CI. */
  skip: boolean;
}

/** Sends PING and waits for +PONG, for at most `timeoutMs`. */
export function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    let received = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('\r\n')) done(received.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

export function isCI(env: Record<string, string | undefined> = process.env): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
}

export async function probeRedis(url: string): Promise<RedisProbe> {
  if (await redisAnswers(url)) return { up: true, reason: undefined, skip: false };
  const reason = `Redis not reachable at ${url}`;
  const skip = !isCI();
  // The reason in the run's output, beside the skipped (or failing) tests.
  console.warn(skip ? `${reason}: its tests are skipped (start Redis, or set TEST_REDIS_URL, to run them)` : `${reason}, and CI requires it`);
  return { up: false, reason, skip };
}
