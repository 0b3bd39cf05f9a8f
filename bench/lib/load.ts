import autocannon, { type RequestSpec } from 'autocannon';
import {
  blockActionsPayload,
  interactionBody,
  sign,
  slashCommandBody,
} from '../../src/sandbox/slackRequests.js';
import { ACTION } from '../../src/slack/ids.js';
import { channelId, percentile, REQUEST_TIMEOUT_S, SECRET, TEAM, userId } from './common.js';
import type { ClickTarget } from './seed.js';

export type LoadKind = 'command' | 'click';

export interface LoadFigure {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /**
   * p99 without each connection's first request: a saturated server accepts new connections only
   * as its event loop comes round, so first requests measure the ramp-up, not the steady state.
   */
  readonly p99Warm: number;
  /** The slowest first request of a connection. */
  readonly firstMax: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

/** Builds a fresh, properly signed request body each time it is called. */
export type BodySource = () => string;

/**
 * `/incident <client>: <what>` (the quick-create form) from one of 20 users in one of 50 channels,
 * each with its own trigger_id, exactly as Slack posts it.
 */
export function commandBodies(responseUrl: string, tag: string): BodySource {
  let n = 0;
  return () => {
    n++;
    return slashCommandBody({
      teamId: TEAM,
      userId: userId(n % 20),
      channelId: channelId(n % 50),
      text: `Acme ${n}: late delivery of the spring order`,
      responseUrl,
      triggerId: `${Date.now()}.${n}.${tag}`,
    });
  };
}

/**
 * A click on the "Done" button of own_up, each on a different open case with the version its
 * button carries (the state-changing path). Past the last target it wraps around, and those
 * clicks take the "already done" path (an ephemeral note); `used()` says how many did which.
 */
export function clickBodies(
  targets: readonly ClickTarget[],
  responseUrl: string,
): BodySource & { used(): { fresh: number; repeated: number } } {
  let n = 0;
  const next = () => {
    const t = targets[n % targets.length];
    n++;
    if (!t) throw new Error('no click targets');
    return interactionBody(
      blockActionsPayload({
        teamId: TEAM,
        userId: userId(n % 20),
        channelId: t.channel,
        messageTs: t.ts,
        action: {
          action_id: ACTION.done,
          block_id: 'own_up',
          value: `${t.caseId}|own_up|${t.version}`,
        },
        responseUrl,
      }),
    );
  };
  return Object.assign(next, {
    used: () => ({
      fresh: Math.min(n, targets.length),
      repeated: Math.max(0, n - targets.length),
    }),
  });
}

/**
 * Closed-loop load with autocannon for `seconds`: `connections` clients each send the next signed
 * request as soon as the previous one is answered. (autocannon's fixed-rate mode sends each
 * second's quota in one burst, so it is not used.) Latency percentiles come from every 2xx response time at full (sub-millisecond) resolution, not
 * from autocannon's 1 ms histogram.
 */
export async function runLoad(
  url: string,
  connections: number,
  seconds: number,
  bodies: BodySource,
): Promise<LoadFigure> {
  const setupRequest = (req: RequestSpec): RequestSpec => {
    const body = bodies();
    const ts = Math.floor(Date.now() / 1000);
    return {
      ...req,
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(SECRET, ts, body),
      },
      body,
    };
  };
  const latencies: number[] = [];
  const warm: number[] = [];
  const seen = new WeakSet<object>();
  let firstMax = 0;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    timeout: REQUEST_TIMEOUT_S,
    requests: [{ setupRequest }],
  });
  instance.on('response', (client: object, status: number, _bytes: number, ms: number) => {
    if (status < 200 || status >= 300) return;
    latencies.push(ms);
    if (seen.has(client)) warm.push(ms);
    else {
      seen.add(client);
      firstMax = Math.max(firstMax, ms);
    }
  });
  const r = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections,
    seconds: r.duration,
    requests: sorted.length,
    rps: sorted.length / r.duration,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    p99Warm: percentile(Float64Array.from(warm).sort(), 99),
    firstMax,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

export interface FixedRateFigure {
  readonly rate: number;
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
}

/**
 * Open-loop load: one signed request every 1/rate s, whatever the server does, over a keep-alive
 * pool of at most `connections` sockets. Latency counts from the moment a request was due, so a
 * server that falls behind pays for its queue (no coordinated omission). Both apps get exactly the
 * same offered load, which is what "the same load" means for an ack-latency comparison.
 */
export async function runFixedRate(
  url: string,
  rate: number,
  connections: number,
  seconds: number,
  bodies: BodySource,
): Promise<FixedRateFigure> {
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const t0 = performance.now() + 50;
  const inFlight: Promise<void>[] = [];
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const body = bodies();
      const ts = Math.floor(Date.now() / 1000);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: REQUEST_TIMEOUT_S * 1000,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-slack-request-timestamp': String(ts),
            'x-slack-signature': sign(SECRET, ts, body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode && res.statusCode < 300) latencies.push(performance.now() - due);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.on('timeout', () => req.destroy());
      req.end(body);
    });
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    rate,
    connections,
    seconds,
    requests: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    errors,
  };
}
