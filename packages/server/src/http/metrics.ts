import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config.js';

/**
 * Who may read /metrics: with METRICS_TOKEN set, a request carrying `Authorization: Bearer
 * <token>`; without it, anyone in sandbox mode and no one in production. Answers why not, or
 * undefined to serve.
 */
export function metricsGate(config: Pick<Config, 'mode' | 'metricsToken'>): (authorization: string | undefined) => string | undefined {
  const token = config.metricsToken;
  if (token === undefined) {
    return config.mode === 'production' ? () => '/metrics is closed in production until METRICS_TOKEN is set.' : () => undefined;
  }
  const expected = Buffer.from(`Bearer ${token}`);
  return (authorization) => {
    const given = Buffer.from(authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : '/metrics needs Authorization: Bearer <METRICS_TOKEN>.';
  };
}

/** Request counts and latency by endpoint and answer code, in Prometheus format at /metrics. */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'esimkit_requests_total',
    help: 'API requests by endpoint and answer code',
    labelNames: ['endpoint', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'esimkit_request_duration_seconds',
    help: 'API request latency by endpoint and answer code',
    labelNames: ['endpoint', 'code'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  /** @param jobCounts read at each scrape: the jobs table by kind and state (pending or failed). */
  constructor(jobCounts?: () => Promise<{ kind: string; failed: boolean; count: number }[]>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'esimkit_' });
    if (jobCounts) {
      new Gauge({
        name: 'esimkit_jobs',
        help: 'Background jobs by kind and state: pending (due or not yet) or failed (out of attempts)',
        labelNames: ['kind', 'state'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const row of await jobCounts()) this.labels(row.kind, row.failed ? 'failed' : 'pending').set(row.count);
        },
      });
    }
  }

  /** Label children by endpoint and code (both from closed lists), so no label hashing per request. */
  private readonly children = new Map<string, { requests: { inc(): void }; latency: { observe(value: number): void } }>();

  observe(endpoint: string, code: string, seconds: number): void {
    const key = `${endpoint} ${code}`;
    let child = this.children.get(key);
    if (!child) {
      child = { requests: this.requests.labels(endpoint, code), latency: this.latency.labels(endpoint, code) };
      this.children.set(key, child);
    }
    child.requests.inc();
    child.latency.observe(seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
