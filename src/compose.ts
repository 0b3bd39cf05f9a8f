import { App, LogLevel, type webApi } from '@slack/bolt';
import type { Config } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { scheduleHousekeeping, scheduleReminders } from './scheduler/reminderTick.js';
import { CaseService } from './services/cases.js';
import { ProfileService } from './services/profiles.js';
import { type Pacer, ReminderService } from './services/reminders.js';
import { SlackReminderChannel, SlackUserDirectory } from './slack/adapters.js';
import { checkSlack } from './slack/checkSlack.js';
import { ForwardedReceiver } from './slack/forwardedReceiver.js';
import { SlackFront } from './slack/front.js';
import { registerActions } from './slack/listeners/actions/index.js';
import { registerIncidentCommand } from './slack/listeners/commands/incident.js';
import type { ListenerDeps } from './slack/listeners/deps.js';
import { registerEvents } from './slack/listeners/events/index.js';
import { registerViews } from './slack/listeners/views/index.js';
import { type Log, Presenter } from './slack/presenter.js';
import { CaseRepo } from './store/caseRepo.js';
import { startCheckpointer } from './store/checkpointer.js';
import { type Db, openDatabase } from './store/db.js';
import { ProfileRepo } from './store/profileRepo.js';
import { ReminderRepo } from './store/reminderRepo.js';
import { WorkspaceRepo } from './store/workspaceRepo.js';

export interface Amends {
  readonly app: App;
  readonly db: Db;
  readonly client: webApi.WebClient;
  readonly cases: CaseService;
  readonly reminders: ReminderService;
  readonly caseRepo: CaseRepo;
  readonly reminderRepo: ReminderRepo;
  readonly workspaces: WorkspaceRepo;
  /** HTTP mode: where verified requests come in (from the front in this thread, or another thread's). */
  readonly receiver: ForwardedReceiver | null;
  /** Starts the app (and, with `serveHttp`, the front in this thread); resolves with its port. */
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
  /**
   * HTTP mode: serve Slack's requests from this thread (tests, the sandbox). False when the front
   * runs in another thread and forwards to `receiver` (production: src/appThread.ts).
   */
  readonly serveHttp?: boolean;
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
  const receiver = config.mode === 'socket' ? undefined : new ForwardedReceiver();
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
  registerIncidentCommand(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  app.error(async (e) => {
    log('unhandled listener error', {
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  });

  let front: SlackFront | null = null;
  return {
    app,
    db,
    client,
    cases,
    reminders,
    caseRepo,
    reminderRepo,
    workspaces,
    receiver: receiver ?? null,
    async start() {
      await app.start(config.port);
      if (!receiver || o.serveHttp === false) return null;
      front = new SlackFront({ signingSecret: config.signingSecret ?? '', log }, (req) =>
        receiver.handle(req, (r) => front?.reply(r)),
      );
      return front.listen(config.port, o.host);
    },
    async stop() {
      await front?.close();
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

/**
 * The bot as it runs against Slack (Socket Mode in the main thread, HTTP mode in the app thread):
 * fail fast if Slack refuses the token, wire the app, settle reminder claims a previous process left
 * in flight before anything is sent again, start, then tick reminders and tidy up hourly.
 */
export async function startBot(
  config: Config,
  log: Log,
  serveHttp = true,
): Promise<{ readonly amends: Amends; stop(): Promise<void> }> {
  const who = await checkSlack(config);
  const amends = composeAmends({ config, clock: systemClock, log, serveHttp, ...who });
  await amends.reminders.reconcile();
  await amends.start();
  const ticker = scheduleReminders(config.reminderCron, amends.reminders, log);
  const upkeep = scheduleHousekeeping(() => amends.cases.forgetOldRequests(), log);
  return {
    amends,
    async stop() {
      await ticker.stop();
      await upkeep.stop();
      await amends.stop();
    },
  };
}
