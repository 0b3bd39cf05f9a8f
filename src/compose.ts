import type { AddressInfo } from 'node:net';
import { App, LogLevel, type webApi } from '@slack/bolt';
import type { Config } from './config.js';
import type { Clock } from './domain/clock.js';
import { CaseService } from './services/cases.js';
import { ProfileService } from './services/profiles.js';
import { type Pacer, ReminderService } from './services/reminders.js';
import { SlackReminderChannel, SlackUserDirectory } from './slack/adapters.js';
import { limitInFlight } from './slack/inflight.js';
import { registerActions } from './slack/listeners/actions/index.js';
import { registerIncidentCommand } from './slack/listeners/commands/incident.js';
import type { ListenerDeps } from './slack/listeners/deps.js';
import { registerEvents } from './slack/listeners/events/index.js';
import { registerViews } from './slack/listeners/views/index.js';
import { type Log, Presenter } from './slack/presenter.js';
import { httpReceiver } from './slack/receiver.js';
import { CaseRepo } from './store/caseRepo.js';
import { startCheckpointer } from './store/checkpointer.js';
import { type Db, openDatabase } from './store/db.js';
import { ProfileRepo } from './store/profileRepo.js';
import { ReminderRepo } from './store/reminderRepo.js';
import { WorkspaceRepo } from './store/workspaceRepo.js';

/** Requests handled at once (each mostly waits on Slack's answers); more wait before their ack. */
const MAX_IN_FLIGHT = 100;

export interface Amends {
  readonly app: App;
  readonly db: Db;
  readonly client: webApi.WebClient;
  readonly cases: CaseService;
  readonly reminders: ReminderService;
  readonly caseRepo: CaseRepo;
  readonly reminderRepo: ReminderRepo;
  readonly workspaces: WorkspaceRepo;
  /** Starts the receiver; resolves with the HTTP port actually bound (HTTP mode). */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

export interface ComposeOptions {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Log;
  readonly pacer?: Pacer;
  /** Spacing of reminder posts in one channel (default 1000 ms, Slack's limit); the sandbox uses less. */
  readonly channelIntervalMs?: number;
  /** Bind address in HTTP mode (the sandbox keeps it on loopback). */
  readonly host?: string;
  readonly botUserId?: string;
  readonly botId?: string;
}

/**
 * Wires config → database → repositories → use-cases → Bolt app and listeners. No behaviour of its
 * own: every decision lives in domain/ and services/, every Slack detail in slack/.
 */
export function composeAmends(o: ComposeOptions): Amends {
  const { config, clock, log } = o;
  const db = openDatabase(config.databasePath);
  // WAL checkpoints run on their own thread, so no commit holds the event loop for a checkpoint.
  db.pragma('wal_autocheckpoint = 0');
  const checkpointer = startCheckpointer(config.databasePath, (e) => {
    log('background checkpoints failed; back to automatic checkpoints', { error: String(e) });
    db.pragma('wal_autocheckpoint = 1000');
  });
  const caseRepo = new CaseRepo(db, config.playbook);
  const reminderRepo = new ReminderRepo(db);
  const workspaces = new WorkspaceRepo(db);
  const profileRepo = new ProfileRepo(db);

  // No automatic retries: a retried chat.postMessage can post twice. Reminders retry from the outbox.
  const clientOptions: webApi.WebClientOptions = {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 10_000,
    rejectRateLimitedCalls: true,
  };
  const receiver = config.mode === 'socket' ? undefined : httpReceiver(config.signingSecret ?? '');
  const logLevel = {
    debug: LogLevel.DEBUG,
    info: LogLevel.INFO,
    warn: LogLevel.WARN,
    error: LogLevel.ERROR,
  }[config.logLevel];
  const app = new App({
    token: config.botToken ?? '',
    ...(receiver ? { receiver } : { appToken: config.appToken ?? '', socketMode: true }),
    clientOptions,
    logLevel,
    tokenVerificationEnabled: false,
    ...(o.botUserId ? { botUserId: o.botUserId } : {}),
    ...(o.botId ? { botId: o.botId } : {}),
  });
  const client = app.client;

  const profiles = new ProfileService({
    repo: profileRepo,
    directory: new SlackUserDirectory(client),
    defaultTz: config.defaultTz,
    defaultLang: config.defaultLang,
    ttlMs: 12 * 60 * 60_000,
  });
  const cases = new CaseService({ cases: caseRepo, playbook: config.playbook, profiles, clock });
  const reminders = new ReminderService({
    db,
    cases: caseRepo,
    reminders: reminderRepo,
    workspaces,
    profiles,
    playbook: config.playbook,
    channel: new SlackReminderChannel(client, config.playbook, clock),
    clock,
    log,
    ...(o.pacer ? { pacer: o.pacer } : {}),
    ...(o.channelIntervalMs !== undefined ? { channelIntervalMs: o.channelIntervalMs } : {}),
  });

  const deps: ListenerDeps = {
    cases,
    profiles,
    workspaces,
    presenter: new Presenter(config.playbook, clock, log),
    log,
  };
  // Overload backs up at the door (Slack waits for its ack) instead of piling up in memory.
  app.use(limitInFlight(MAX_IN_FLIGHT, 1500));
  registerIncidentCommand(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  app.error(async (e) => {
    log('unhandled listener error', {
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  });

  return {
    app,
    db,
    client,
    cases,
    reminders,
    caseRepo,
    reminderRepo,
    workspaces,
    async start() {
      if (receiver) {
        const server = (await app.start(
          o.host ? { port: config.port, host: o.host } : config.port,
        )) as import('node:http').Server;
        return (server.address() as AddressInfo).port;
      }
      await app.start(config.port);
      return null;
    },
    async stop() {
      try {
        await app.stop();
      } catch {
        // already stopped
      }
      await checkpointer.stop();
      db.close();
    },
  };
}
