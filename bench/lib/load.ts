import autocannon, { type RequestSpec } from 'autocannon';
import { t } from '../../src/i18n/index.js';
import {
  blockActionsPayload,
  interactionBody,
  sign,
  slashCommandBody,
} from '../../src/sandbox/slackRequests.js';
import { ACTION } from '../../src/slack/ids.js';
import {
  ARRIVAL_KEY,
  arrivalClient,
  channelId,
  monoMs,
  percentile,
  REQUEST_TIMEOUT_S,
  SECRET,
  TEAM,
  userId,
} from './common.js';
import type { ClickTarget } from './seed.js';

export type LoadKind = 'command' | 'click';

/**
 * Amends' gate refuses a slash command it cannot take with an ephemeral "busy" ack (a 200), and any
 * other request with a 503. Neither is an accepted request. The bench's users are en-US.
 */
const BUSY_TEXT = t('en').errors.busy;
export const isBusyAck = (body: string): boolean => body.includes(BUSY_TEXT);

export interface LoadFigure {
  readonly connections: number;
  readonly seconds: number;
  /** Accepted requests: a 2xx that is not a "busy" ack. Latency figures are over these. */
  readonly requests: number;
  /** Accepted requests a second. */
  readonly rps: number;
  /** Refused by the server's gate: "busy" acks (slash commands) and 503s. */
  readonly refusedBusy: number;
  readonly refused503: number;
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
  /** Non-2xx answers other than 503 (a bad signature would show here as 401s). */
  readonly otherNon2xx: number;
}

/** Builds a fresh request body each time it is called (the load generator signs it). */
export type BodySource = () => string;

/**
 * `/incident <client>: <what>` (the quick-create form) from one of 20 users in one of 50 channels,
 * each with its own trigger_id, exactly as Slack posts it. The client is `arrivalClient(tag, n)`
 * (`tag`: lower-case letters), unique, so the parent message it leads to can be matched.
 */
export function commandBodies(responseUrl: string, tag: string): BodySource {
  let n = 0;
  return () => {
    n++;
    return slashCommandBody({
      teamId: TEAM,
      userId: userId(n % 20),
      channelId: channelId(n % 50),
      text: `${arrivalClient(tag, n)}: late delivery of the spring order`,
      responseUrl,
      triggerId: `${Date.now()}.${n}.${tag}`,
    });
  };
}

/** The arrival key (see ARRIVAL_KEY) of a command body built by `commandBodies`, or null. */
export const arrivalKeyOf = (body: string): string | null =>
  ARRIVAL_KEY.exec(new URLSearchParams(body).get('text') ?? '')?.[1] ?? null;

/** The headers Slack signs a request with (v0 HMAC-SHA256 of `v0:<ts>:<body>`), for this body now. */
export function signedHeaders(body: string, secret = SECRET): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sign(secret, ts, body),
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
 * second's quota in one burst, so it is not used.) Latency percentiles come from every accepted
 * response time at full (sub-millisecond) resolution, not from autocannon's 1 ms histogram.
 */
export async function runLoad(
  url: string,
  connections: number,
  seconds: number,
  bodies: BodySource,
): Promise<LoadFigure> {
  const setupRequest = (req: RequestSpec): RequestSpec => {
    const body = bodies();
    return { ...req, method: 'POST', headers: signedHeaders(body), body };
  };
  // autocannon hands the body to onResponse, then emits 'response' for the same request, in one go.
  let busy = false;
  const onResponse = (status: number, body: string) => {
    busy = status >= 200 && status < 300 && isBusyAck(body);
  };
  const latencies: number[] = [];
  const warm: number[] = [];
  const seen = new WeakSet<object>();
  let firstMax = 0;
  let refusedBusy = 0;
  let refused503 = 0;
  let otherNon2xx = 0;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    timeout: REQUEST_TIMEOUT_S,
    requests: [{ setupRequest, onResponse }],
  });
  instance.on('response', (client: object, status: number, _bytes: number, ms: number) => {
    if (status === 503) refused503++;
    else if (status < 200 || status >= 300) otherNon2xx++;
    else if (busy) refusedBusy++;
    else {
      latencies.push(ms);
      if (seen.has(client)) warm.push(ms);
      else {
        seen.add(client);
        firstMax = Math.max(firstMax, ms);
      }
    }
  });
  const r = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections,
    seconds: r.duration,
    requests: sorted.length,
    rps: sorted.length / r.duration,
    refusedBusy,
    refused503,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
    p99Warm: percentile(Float64Array.from(warm).sort(), 99),
    firstMax,
    errors: r.errors,
    timeouts: r.timeouts,
    otherNon2xx,
  };
}

export interface FixedRateFigure {
  readonly rate: number;
  readonly connections: number;
  readonly seconds: number;
  /** Accepted requests (a 2xx that is not a "busy" ack); p50/p99/max are over these. */
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The slowest answer of any kind (accepted, "busy" ack or 503): what Slack waited longest for. */
  readonly maxAnswer: number;
  /** Answers of any kind that came after Slack's 3 s: Slack would have shown the user an error. */
  readonly over3s: number;
  readonly refusedBusy: number;
  readonly refused503: number;
  /** Other non-2xx answers. */
  readonly otherNon2xx: number;
  /** No answer: connection errors and timeouts (REQUEST_TIMEOUT_S). */
  readonly errors: number;
  /** How late the generator itself sent requests (p99, ms after due): above a few ms, it lagged. */
  readonly sendLagP99: number;
  /**
   * From a request being handed to the HTTP agent to its socket being connected (a free keep-alive
   * socket at once; a new one after the server's kernel completed the TCP handshake): p99 and max.
   */
  readonly connectWaitP99: number;
  readonly connectWaitMax: number;
  /** New connections the pool opened. */
  readonly connectionsOpened: number;
}

export type Outcome = 'accepted' | 'busy' | '503' | 'other' | 'error';

export interface FixedRateOptions {
  /** Called as each request is handed to the socket, with the time on `monoMs`'s clock. */
  readonly onSend?: (body: string, atMono: number) => void;
  /** Called once each request is answered (or failed), with its latency (ms from when it was due). */
  readonly onAnswer?: (body: string, outcome: Outcome, ms: number) => void;
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
  o: FixedRateOptions = {},
): Promise<FixedRateFigure> {
  const { request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies: number[] = [];
  const lags: number[] = [];
  const connectWaits: number[] = [];
  let opened = 0;
  let maxAnswer = 0;
  let over3s = 0;
  let refusedBusy = 0;
  let refused503 = 0;
  let otherNon2xx = 0;
  let errors = 0;
  const total = Math.round(rate * seconds);
  const t0 = performance.now() + 50;
  const inFlight: Promise<void>[] = [];
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const body = bodies();
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: REQUEST_TIMEOUT_S * 1000,
          headers: { ...signedHeaders(body), 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - due;
            maxAnswer = Math.max(maxAnswer, ms);
            if (ms > 3000) over3s++;
            const status = res.statusCode ?? 0;
            let outcome: Outcome = 'accepted';
            if (status === 503) outcome = '503';
            else if (status < 200 || status >= 300) outcome = 'other';
            else if (isBusyAck(Buffer.concat(chunks).toString())) outcome = 'busy';
            if (outcome === '503') refused503++;
            else if (outcome === 'other') otherNon2xx++;
            else if (outcome === 'busy') refusedBusy++;
            else latencies.push(ms);
            o.onAnswer?.(body, outcome, ms);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        o.onAnswer?.(body, 'error', performance.now() - due);
        resolve();
      });
      req.on('timeout', () => req.destroy());
      const handed = performance.now();
      req.once('socket', (sock) => {
        if (!sock.connecting) connectWaits.push(performance.now() - handed);
        else {
          opened++;
          sock.once('connect', () => connectWaits.push(performance.now() - handed));
        }
      });
      o.onSend?.(body, monoMs());
      lags.push(handed - due);
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
    maxAnswer,
    over3s,
    refusedBusy,
    refused503,
    otherNon2xx,
    errors,
    sendLagP99: percentile(Float64Array.from(lags).sort(), 99),
    connectWaitP99: percentile(Float64Array.from(connectWaits).sort(), 99),
    connectWaitMax: connectWaits.length ? Math.max(...connectWaits) : Number.NaN,
    connectionsOpened: opened,
  };
}

/** One POST with the given headers, without keep-alive: its status and body. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        timeout: REQUEST_TIMEOUT_S * 1000,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}
