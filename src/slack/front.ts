import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// Only Bolt's request functions: the front's thread never loads the rest of Bolt.
import * as http from '@slack/bolt/dist/receivers/HTTPModuleFunctions.js';
import { InFlight } from './inflight.js';

/** A verified Slack request handed on to the app (in this thread or the app thread). */
export interface Forwarded {
  readonly id: number;
  readonly body: Record<string, unknown>;
  readonly retryNum?: number;
  readonly retryReason?: string;
  /** The HTTP response waits for the app's ack (its body is the answer, e.g. modal errors). */
  readonly waitsForAck: boolean;
}

/** What the app sends back about a forwarded request. */
export type AppReply =
  | { readonly type: 'ack'; readonly id: number; readonly body?: unknown }
  | { readonly type: 'done'; readonly id: number }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly unauthorized: boolean;
      readonly message: string;
    };

export interface FrontOptions {
  readonly signingSecret: string;
  readonly log: (msg: string, extra?: Record<string, unknown>) => void;
  /** Requests worked on at once before the next one waits for its ack (default 100). */
  readonly maxInFlight?: number;
  /**
   * Longest wait for a slot (default 800 ms): an ack never takes much more than that, well within
   * Slack's 3 s including the network between Slack and us.
   */
  readonly maxWaitMs?: number;
  /** A request whose answer comes from the app gets a 404 if no ack came by then (default 2500 ms). */
  readonly ackTimeoutMs?: number;
  readonly bodyLimit?: number;
}

/**
 * Slack payloads whose HTTP response carries the app's answer: a modal's validation errors or
 * next view, an options list. Everything else is answered `200` as soon as it is verified.
 */
const ANSWERED_BY_APP = new Set(['view_submission', 'block_suggestion']);

interface Pending {
  readonly slot: boolean;
  res?: ServerResponse;
  timer?: NodeJS.Timeout;
}

/**
 * Slack's front door: `POST /slack/events` and `GET /healthz`. It checks the signature and the
 * 5-minute timestamp (Bolt's own functions, so it accepts exactly what Bolt's HTTPReceiver accepts),
 * answers Slack within its 3 seconds, and hands the verified payload to the app. It does nothing
 * else, so that an ack never waits behind the app's own work: in production the app runs on a
 * thread of its own (src/appThread.ts), and database writes, rendering, Web API calls, reminder
 * ticks and the app's garbage collection all happen there.
 */
export class SlackFront {
  readonly #o: FrontOptions;
  readonly #forward: (req: Forwarded) => void;
  readonly #limit: InFlight;
  readonly #pending = new Map<number, Pending>();
  #seq = 0;
  #server: Server | null = null;

  constructor(o: FrontOptions, forward: (req: Forwarded) => void) {
    this.#o = o;
    this.#forward = forward;
    this.#limit = new InFlight(o.maxInFlight ?? 100, o.maxWaitMs ?? 800);
  }

  /** Requests handed on whose work has not finished. */
  get inFlight(): number {
    return this.#pending.size;
  }

  async listen(port: number, host?: string): Promise<number> {
    const server = createServer((req, res) => this.#route(req, res));
    server.keepAliveTimeout = 65_000; // longer than the load balancers' usual 60 s idle timeout
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  /** The app's answer about a request. Unknown or repeated replies change nothing. */
  reply(r: AppReply): void {
    const p = this.#pending.get(r.id);
    if (!p) return;
    if (r.type === 'ack') {
      if (p.res) this.#answer(p, (res) => http.buildContentResponse(res, r.body));
      return;
    }
    this.#pending.delete(r.id);
    if (p.slot) this.#limit.release();
    if (r.type === 'failed') {
      this.#o.log('the app failed on a request', { error: r.message });
      if (p.res)
        this.#answer(p, (res) => http.buildNoBodyResponse(res, r.unauthorized ? 401 : 500));
    } else if (p.res) {
      this.#o.log('no listener acknowledged a request that waits for an answer');
      this.#answer(p, (res) => http.buildNoBodyResponse(res, 404));
    }
  }

  #answer(p: Pending, send: (res: ServerResponse) => void): void {
    const res = p.res;
    p.res = undefined;
    if (p.timer) clearTimeout(p.timer);
    if (res && !res.headersSent) send(res);
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
      return;
    }
    if (path === '/slack/events' && req.method === 'POST') {
      this.#incoming(req, res).catch((e: unknown) => {
        this.#o.log('could not handle a Slack request', { error: String(e) });
        if (!res.headersSent) http.buildNoBodyResponse(res, 500);
      });
      return;
    }
    http.buildNoBodyResponse(res, 404);
  }

  async #incoming(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let buffered: Awaited<ReturnType<typeof http.parseAndVerifyHTTPRequest>>;
    try {
      buffered = await http.parseAndVerifyHTTPRequest(
        {
          enabled: true,
          signingSecret: this.#o.signingSecret,
          bodyLimit: this.#o.bodyLimit ?? http.defaultBodyLimit,
        },
        req,
      );
    } catch (e) {
      if (http.isRawBodyError(e) && (e.type === 'entity.too.large' || e.statusCode === 413)) {
        http.buildNoBodyResponse(res, 413);
        return;
      }
      this.#o.log('refused a request that failed Slack signature verification', {
        error: e instanceof Error ? e.message : String(e),
      });
      http.buildNoBodyResponse(res, 401);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = http.parseHTTPRequestBody(buffered);
    } catch (e) {
      this.#o.log('malformed Slack request body', { error: String(e) });
      http.buildNoBodyResponse(res, 400);
      return;
    }
    if (body.ssl_check === '1') {
      http.buildSSLCheckResponse(res);
      return;
    }
    if (body.type === 'url_verification') {
      http.buildUrlVerificationResponse(res, body);
      return;
    }
    const slot = await this.#limit.acquire();
    const id = ++this.#seq;
    const waitsForAck = ANSWERED_BY_APP.has(String(body.type));
    const p: Pending = { slot };
    this.#pending.set(id, p);
    if (waitsForAck) {
      p.res = res;
      p.timer = setTimeout(() => {
        this.#o.log('no ack from the app within Slack’s time; answered 404');
        this.#answer(p, (r) => http.buildNoBodyResponse(r, 404));
      }, this.#o.ackTimeoutMs ?? 2500);
    } else http.buildNoBodyResponse(res, 200);
    const retryNum = http.extractRetryNumFromHTTPRequest(req);
    const retryReason = http.extractRetryReasonFromHTTPRequest(req);
    this.#forward({
      id,
      body,
      waitsForAck,
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
    });
  }
}
