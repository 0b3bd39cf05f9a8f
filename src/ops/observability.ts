import type { OpsStore } from '../services/ports.js';
import { Metrics } from './metrics.js';
import { probeRoutes, type Route, SlackAuth, startProbeServer } from './probes.js';

/** The probes and metrics of one running bot, and where they are served. */
export interface Observability {
  readonly metrics: Metrics;
  /** Whether Slack still accepts the (one) bot token: the readiness probe's Slack check. */
  readonly slackAuth: SlackAuth;
  /**
   * Told of every Web API call's end: counted in /metrics, and with one workspace Slack's answer
   * to its token kept for the readiness probe.
   */
  readonly observeSlack: (
    method: string,
    status: number,
    seconds: number,
    error: string | null,
  ) => void;
  /** The routes the HTTP receiver serves (without /metrics when it has a listener of its own). */
  readonly receiverRoutes: readonly Route[];
  /** Starts the event-loop sampler, and the probes' own listener when there is one. */
  start(host?: string): Promise<void>;
  stop(): Promise<void>;
  /** The probes' own listener's port once started (null: none). */
  port(): number | null;
}

/**
 * Probes and metrics: on the HTTP receiver's port, or on a listener of their own (HEALTH_PORT;
 * always in Socket Mode, which has no HTTP port). With HEALTH_PORT set in HTTP mode, /metrics is
 * served there only, not on the port Slack's requests come in on.
 */
export function observability(o: {
  /** The settings read here (src/config.ts's Config has them all). */
  readonly config: {
    readonly mode: 'http' | 'socket' | 'sandbox';
    readonly port: number;
    readonly healthPort: number | null;
    /** Installs in many workspaces (set: OAuth), else one bot token. */
    readonly oauth: object | null;
  };
  readonly ops: OpsStore;
  readonly now: () => number;
  readonly draining: () => boolean;
  readonly storeOpen: () => boolean;
  readonly processMetrics: boolean;
}): Observability {
  const metrics = new Metrics({
    outbox: (now) => o.ops.outbox(now),
    now: o.now,
    processMetrics: o.processMetrics,
  });
  const slackAuth = new SlackAuth();
  const probes = probeRoutes({
    draining: o.draining,
    storeOpen: o.storeOpen,
    ops: o.ops,
    slack: slackAuth,
    metrics,
  });
  const { mode, port, healthPort, oauth } = o.config;
  // (Port 0 is "any free port": two listeners asking for it never share one.)
  const ownListener =
    healthPort !== null && (mode === 'socket' || healthPort !== port || port === 0);
  let server: Awaited<ReturnType<typeof startProbeServer>> | null = null;
  return {
    metrics,
    slackAuth,
    observeSlack(method, status, seconds, error) {
      metrics.slackCall(method, status, seconds);
      // With many workspaces one workspace's refused token says nothing of the others'.
      if (!oauth) slackAuth.answered(error);
    },
    receiverRoutes: ownListener
      ? probes.routes.filter((r) => r.path !== '/metrics')
      : probes.routes,
    async start(host) {
      probes.start();
      if (ownListener && healthPort !== null)
        server = await startProbeServer(probes.routes, healthPort, host);
    },
    async stop() {
      await server?.close();
      probes.stop();
    },
    port: () => server?.port ?? null,
  };
}
