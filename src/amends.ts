import type { App, webApi } from '@slack/bolt';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import type { Log, Logger } from './log.js';
import type { Metrics } from './ops/metrics.js';
import type { SlackAuth } from './ops/probes.js';
import type { CaseService } from './services/cases.js';
import type { Presenter } from './services/presenter.js';
import type { ProfileService } from './services/profiles.js';
import type { CaughtUp, PendingOptions, SettleOptions } from './services/projection.js';
import type { Pacer, ReminderService } from './services/reminders.js';
import type { WorkspaceService } from './services/workspaces.js';
import type { InstallFlow } from './slack/boltApp.js';
import type { Gate } from './slack/gate.js';
import type { ChannelSharing } from './slack/sharing.js';
import type { CaseRepo } from './store/caseRepo.js';
import type { Store } from './store/index.js';
import type { ReminderRepo } from './store/reminderRepo.js';

/** The composed bot (src/compose.ts), as main, the sandbox, the tests and the benches hold it. */
export interface Amends {
  readonly app: App;
  /** The database (SQLite or PostgreSQL) behind the ports; closed by stop(). */
  readonly store: Store;
  readonly client: webApi.WebClient;
  readonly cases: CaseService;
  /** People's cached language, zone and name (the case service is handed them; it does not lend them). */
  readonly profiles: ProfileService;
  readonly reminders: ReminderService;
  readonly caseRepo: CaseRepo;
  readonly reminderRepo: ReminderRepo;
  readonly workspaces: WorkspaceService;
  readonly presenter: Presenter;
  /** What the bot knows of channels' sharing (the sandbox's switch makes it forget one). */
  readonly sharing: ChannelSharing;
  readonly gate: Gate;
  readonly log: Log;
  /** Probes and metrics (src/ops/). */
  readonly ops: {
    readonly metrics: Metrics;
    /** Whether Slack still accepts the token (the readiness probe's Slack check). */
    readonly slack: SlackAuth;
    /** The probes' own listener's port once started (HEALTH_PORT, Socket Mode); null: none. */
    healthPort(): number | null;
  };
  /** Starts Bolt's receiver; resolves with the HTTP port (null in Socket Mode). */
  start(): Promise<number | null>;
  /** Projection.publishPending: the stored cases whose parent never reached Slack. */
  publishPending(o?: PendingOptions): Promise<{ posted: number; failed: number; left: number }>;
  /** Projection.deliverPendingLines: thread lines left pending for over `olderThanMs`. */
  deliverPendingLines(o?: { readonly olderThanMs?: number }): Promise<number>;
  /** Projection.settleShown: missing first replies and stale parents. */
  settleShown(o?: SettleOptions): Promise<{ firstReplies: number; redrawn: number }>;
  /** Projection.catchUp: Slack brought up to the stored cases (all three above). */
  catchUp(o?: PendingOptions & SettleOptions): Promise<CaughtUp>;
  /**
   * Hourly upkeep: idempotency keys older than a day dropped, and the data of workspaces
   * uninstalled longer ago than the retention period deleted (each logged).
   */
  housekeeping(): Promise<void>;
  /**
   * Projection.sweep: the start-up catch-up, the minute sweep, or a takeover after another process
   * died (the last two one process at a time).
   */
  sweep(kind: 'start' | 'minute' | 'takeover'): Promise<void>;
  /** Liveness.watchPeers: told which other processes stopped beating since the last beat. */
  watchPeers(onGone: (holders: string[]) => void): void;
  /**
   * Refuses new requests (503), then waits up to `timeoutMs` for those in progress, including their
   * Slack calls. Reports how many were still running when it gave up.
   */
  drain(timeoutMs: number): Promise<{ left: number }>;
  /** Stops the receiver, records the last hints and closes the database. */
  stop(): Promise<void>;
}

export interface ComposeOptions {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pacer?: Pacer;
  /** Spacing of reminder posts in one channel (default 1000 ms, Slack's limit); the sandbox uses less. */
  readonly channelIntervalMs?: number;
  /** Bind address in HTTP mode (the sandbox and the tests keep it on loopback). */
  readonly host?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  /** See BoltAppOptions.processBeforeResponse (tests: a response means the work is finished). */
  readonly processBeforeResponse?: boolean;
  /** Requests worked on at once, Slack calls included: a bound on memory (default 1000). */
  readonly maxInFlight?: number;
  /** A request whose ack is expected later than this after its arrival is refused (default 2000 ms). */
  readonly boundMs?: number;
  /** How long a Web API call may take before it counts as failed (default 10 s). */
  readonly slackTimeoutMs?: number;
  /** Who this process is in the database's leases (default: host, pid and a random part). */
  readonly holder?: string;
  /** Node's own process series in /metrics (CPU, memory, event loop, GC): the running bot. */
  readonly processMetrics?: boolean;
  /** See BoltAppOptions.installFlow (the sandbox's Add to Slack). */
  readonly installFlow?: InstallFlow;
}
