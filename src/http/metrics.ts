/**
 * The server's Prometheus metrics (prom-client): requests, ingest counts, assessment latency,
 * SSE connections, plus Node's process metrics. One registry per server instance.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'vigil_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly reportsIngested = new Counter({
    name: 'vigil_reports_ingested_total',
    help: 'Reports newly recorded (retries of an existing report not counted), by problem',
    labelNames: ['problem'] as const,
    registers: [this.registry],
  });
  readonly reportsRejected = new Counter({
    name: 'vigil_reports_rejected_total',
    help: 'Report batches refused (invalid, conflicting or not allowed)',
    registers: [this.registry],
  });
  readonly assessmentSeconds = new Histogram({
    name: 'vigil_assessment_seconds',
    help: 'Time to compute an assessment for an answer',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly levelChanges = new Counter({
    name: 'vigil_level_changes_total',
    help: 'Warning level changes of a problem seen in pushed assessments, by problem and new level',
    labelNames: ['problem', 'level'] as const,
    registers: [this.registry],
  });
  readonly warningEvents = new Counter({
    name: 'vigil_warning_events_total',
    help: 'Warning events: opened, updated, closed, notified, acknowledged (by type)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'vigil_deliveries_total',
    help: 'Delivery attempts of warnings by channel and outcome (delivered, failed, gave-up)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly streams = new Gauge({
    name: 'vigil_sse_connections',
    help: 'Open Server-Sent Events connections',
    registers: [this.registry],
  });
  readonly signIns = new Counter({
    name: 'vigil_sign_ins_total',
    help: 'Sign-in attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
  }

  /** Times `fn` into the assessment histogram. */
  async timeAssessment<T>(fn: () => Promise<T>): Promise<T> {
    const end = this.assessmentSeconds.startTimer();
    try {
      return await fn();
    } finally {
      end();
    }
  }
}
