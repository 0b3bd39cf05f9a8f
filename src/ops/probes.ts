import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OpsStore } from '../services/ports.js';
import type { Metrics } from './metrics.js';

/** Slack's answers that mean the bot token no longer works (a restart with a new one is needed). */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
]);

/**
 * Whether Slack accepts the bot's token, as far as this process knows: yes after the start-up's
 * auth.test; no from the first Web API answer refusing the token (until a restart with a token that
 * works). Told by every Web API call through the transport's observer, at no extra request.
 */
export class SlackAuth {
  #refused: string | null = null;
  get ok(): boolean {
    return this.#refused === null;
  }
  get refused(): string | null {
    return this.#refused;
  }
  /** A Web API answer's `error` (null on success). */
  answered(error: string | null): void {
    if (error && AUTH_ERRORS.has(error)) this.#refused = error;
  }
}

export interface ProbeDeps {
  /** Draining: the gate refuses new work (set by the shutdown, never undone). */
  readonly draining: () => boolean;
  /** False once the store was closed. */
  readonly storeOpen: () => boolean;
  readonly ops: OpsStore;
  readonly slack: SlackAuth;
  readonly metrics: Metrics;
  /** How long a readiness check may take before it counts as failed (default 2 s). */
  readonly checkMs?: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export interface Route {
  readonly path: string;
  readonly method: string[];
  readonly handler: Handler;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The first line of an error, without anything that looks like a URL's credentials. */
const short = (e: unknown) =>
  String((e as Error)?.message ?? e)
    .split('\n')[0]
    ?.replace(/\/\/[^@/\s]*@/g, '//***@')
    .slice(0, 200);

const json = (res: ServerResponse, status: number, body: unknown, head: boolean) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(head ? undefined : JSON.stringify(body));
};

/**
 * /livez, /readyz (and /healthz, its alias) and /metrics, as routes for Bolt's HTTP receiver or for
 * the small listener of Socket Mode (startProbeServer).
 *
 * - /livez: the process runs and its event loop turns (it answered); the loop's delay is reported.
 *   Nothing outside the process is asked: a database outage must not get the process restarted.
 * - /readyz: the database answers, its schema is this build's, the process is not draining, and
 *   Slack has not refused the token. 503 with the failing check named otherwise.
 * - /metrics: the Prometheus text exposition (src/ops/metrics.ts).
 */
export function probeRoutes(
  d: ProbeDeps,
  o: { metrics?: boolean } = {},
): { readonly routes: Route[]; start(): void; stop(): void } {
  // The loop's delay, sampled only while the app runs (a timer every 20 ms: stopped with the app).
  const loop = monitorEventLoopDelay({ resolution: 20 });
  const checkMs = d.checkMs ?? 2000;
  const readiness = async (): Promise<{ ok: boolean; checks: Record<string, string> }> => {
    const checks: Record<string, string> = {};
    checks.draining = d.draining() ? 'draining: refusing new work' : 'ok';
    checks.slack = d.slack.ok ? 'ok' : `Slack refused the token (${d.slack.refused})`;
    if (!d.storeOpen()) {
      checks.database = 'closed';
      checks.schema = 'unknown';
    } else {
      try {
        const s = await within(d.ops.schemaCurrent(), checkMs, 'the database');
        checks.database = 'ok';
        checks.schema = s.ok
          ? 'ok'
          : `at version ${s.version}, this build expects ${s.expected}: run npm run migrate`;
      } catch (e) {
        checks.database = short(e) ?? 'error';
        checks.schema = 'unknown';
      }
    }
    return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
  };
  const ready: Handler = (req, res) => {
    readiness().then(
      (r) => json(res, r.ok ? 200 : 503, r, req.method === 'HEAD'),
      (e) => json(res, 503, { ok: false, error: short(e) }, req.method === 'HEAD'),
    );
  };
  const routes: Route[] = [
    {
      path: '/livez',
      method: ['GET', 'HEAD'],
      handler: (req, res) => {
        const p99 = loop.percentile(99) / 1e6;
        loop.reset();
        json(res, 200, { ok: true, eventLoopDelayP99Ms: Math.round(p99) }, req.method === 'HEAD');
      },
    },
    { path: '/readyz', method: ['GET', 'HEAD'], handler: ready },
    { path: '/healthz', method: ['GET', 'HEAD'], handler: ready },
  ];
  if (o.metrics !== false)
    routes.push({
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        d.metrics.exposition().then(
          ({ contentType, body }) => {
            res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
            res.end(body);
          },
          (e) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`metrics failed: ${short(e)}\n`);
          },
        );
      },
    });
  return { routes, start: () => loop.enable(), stop: () => loop.disable() };
}

/** A listener of its own for the probes (Socket Mode has no HTTP port; or HEALTH_PORT in HTTP mode). */
export async function startProbeServer(
  routes: readonly Route[],
  port: number,
  host?: string,
): Promise<{ readonly port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const route = routes.find((r) => r.path === path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!route.method.includes(req.method ?? '')) {
      res.writeHead(405, { allow: route.method.join(', ') }).end();
      return;
    }
    route.handler(req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use: set HEALTH_PORT to another port`)
          : e,
      ),
    );
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
