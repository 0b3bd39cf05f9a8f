import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';
import type { OutboxState } from '../services/ports.js';

/** The reminder kinds (src/domain/reminders.ts), each counted from 0 so its series exists at once. */
const KINDS = [
  'nudge',
  'meeting_prep',
  'escalation',
  'stalled',
  'cadence',
  'cadence_end',
  'digest',
] as const;

/**
 * Amends' Prometheus series (prom-client), one registry per composed app. Labels are bounded sets
 * only: a reminder kind, a Slack Web API method, an outbox, an outcome. Never a team, channel, user
 * or case (one series per workspace would grow with every install).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly remindersSent: Counter<'kind'>;
  readonly remindersFailed: Counter<'kind'>;
  readonly slackCalls: Histogram<'method'>;
  readonly slackRateLimited: Counter<'method'>;
  readonly leaseTakeovers: Counter<'what'>;
  readonly tokenRefreshes: Counter<'outcome'>;
  /** One outbox read per scrape, shared by the gauges that need it. */
  #scrape: Promise<OutboxState | null> | null = null;

  constructor(o: {
    /** The outbox as it stands (the store's OpsRepo.outbox). */
    readonly outbox: (now: number) => Promise<OutboxState>;
    readonly now?: () => number;
    /** Node's own process series (CPU, memory, event-loop lag, GC): the running bot, not tests. */
    readonly processMetrics?: boolean;
  }) {
    const registers = [this.registry];
    const now = o.now ?? Date.now;
    const outbox = () => {
      this.#scrape ??= o
        .outbox(now())
        .catch(() => null) // the database failed: /readyz says so; the gauges keep their last value
        .finally(() =>
          setImmediate(() => {
            this.#scrape = null;
          }),
        );
      return this.#scrape;
    };
    // A counter by one label, each of `known` counted from 0 so its series exists at once.
    const counter = <L extends string>(
      name: string,
      help: string,
      label: L,
      known: readonly string[] = [],
    ): Counter<L> => {
      const c = new Counter<L>({ name, help, labelNames: [label], registers });
      for (const v of known) c.inc({ [label]: v } as LabelValues<L>, 0);
      return c;
    };
    const age = (at: number | null) => (at === null ? 0 : Math.max(0, (now() - at) / 1000));

    new Gauge({
      name: 'amends_outbox_oldest_ready_age_seconds',
      help: 'Age of the oldest outbox row ready to be sent and not sent yet (0: none waiting)',
      labelNames: ['outbox'] as const,
      registers,
      async collect() {
        const s = await outbox();
        if (!s) return;
        this.set({ outbox: 'reminders' }, age(s.oldestReadyReminderAt));
        this.set({ outbox: 'thread_lines' }, age(s.oldestPendingLineAt));
      },
    });
    new Gauge({
      name: 'amends_outbox_claims_in_flight',
      help: 'Reminders claimed by a process (any replica) and not settled yet',
      registers,
      async collect() {
        const s = await outbox();
        if (s) this.set(s.claimsInFlight);
      },
    });
    this.remindersSent = counter(
      'amends_reminders_sent_total',
      'Reminders recorded as sent, by kind',
      'kind',
      KINDS,
    );
    this.remindersFailed = counter(
      'amends_reminders_failed_total',
      'Reminders given up on (recorded as failed), by kind',
      'kind',
      KINDS,
    );
    this.slackCalls = new Histogram({
      name: 'amends_slack_call_duration_seconds',
      help: 'Slack Web API calls by method: time to the answer (or the failure)',
      labelNames: ['method'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.slackRateLimited = counter(
      'amends_slack_rate_limited_total',
      'Slack Web API calls answered 429 (rate limited), by method',
      'method',
    );
    this.leaseTakeovers = counter(
      'amends_lease_takeovers_total',
      'Work taken over from a process that died: a case lease, or a reminder claim',
      'what',
      ['case_lease', 'reminder_claim'],
    );
    this.tokenRefreshes = counter(
      'amends_token_refreshes_total',
      'Bot token refreshes (token rotation, OAuth mode) by outcome; 0 with a fixed SLACK_BOT_TOKEN',
      'outcome',
      ['refreshed', 'failed'],
    );
    if (o.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A Web API call ended: `status` 0 when no HTTP answer came (refused, reset, timeout). */
  slackCall(method: string, status: number, seconds: number): void {
    // A method name is Slack's (a bounded set); anything else is one label, not a new series each.
    const m = /^[a-z]+(\.[a-zA-Z]+)+$/.test(method) ? method : 'other';
    this.slackCalls.observe({ method: m }, seconds);
    if (status === 429) this.slackRateLimited.inc({ method: m });
  }

  /** The Prometheus text exposition (version 0.0.4) and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
