import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import {
  App,
  HTTPModuleFunctions,
  HTTPReceiver,
  LogLevel,
  type Receiver,
  type ReceiverProcessEventErrorHandlerArgs,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import type { Config } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { wellFormed } from './domain/text.js';
import { type Lang, t } from './i18n/index.js';
import { boltLogger, type Log, type Logger, logFn } from './log.js';
import {
  scheduleHousekeeping,
  scheduleReminders,
  scheduleSweep,
  type Ticker,
} from './scheduler/reminderTick.js';
import { CaseService } from './services/cases.js';
import { ALIVE_MS, deadOnThisHost, holderName, Leases, Liveness } from './services/leases.js';
import { Presenter } from './services/presenter.js';
import { ProfileService } from './services/profiles.js';
import { type Pacer, ReminderService } from './services/reminders.js';
import { ReportService } from './services/reports.js';
import { WorkspaceService } from './services/workspaces.js';
import { SlackReminderChannel, SlackUserDirectory } from './slack/adapters.js';
import { guardBody } from './slack/bodyGuard.js';
import { SlackCaseView } from './slack/caseView.js';
import { type BotIdentity, checkSlack } from './slack/checkSlack.js';
import { isChannelProblem } from './slack/errors.js';
import { AcceptQueue, Gate, isSlackBody, Malformed, RECEIVED_AT, Refused } from './slack/gate.js';
import { HomePublisher } from './slack/home.js';
import { registerActions } from './slack/listeners/actions/index.js';
import { registerIncidentCommand } from './slack/listeners/commands/incident.js';
import type { ListenerDeps } from './slack/listeners/deps.js';
import { registerEvents } from './slack/listeners/events/index.js';
import { registerShortcuts } from './slack/listeners/shortcuts/index.js';
import { registerUnhandled } from './slack/listeners/unhandled.js';
import { registerViews } from './slack/listeners/views/index.js';
import { ChannelSharing } from './slack/sharing.js';
import { keepAliveFetch } from './slack/transport.js';
import type { CaseRepo } from './store/caseRepo.js';
import { type Checkpointer, startCheckpointer } from './store/checkpointer.js';
import { openStore, type Store } from './store/index.js';
import type { LineRepo } from './store/lineRepo.js';
import type { ReminderRepo } from './store/reminderRepo.js';

export interface Amends {
  readonly app: App;
  /** The database (SQLite or PostgreSQL) behind the ports; closed by stop(). */
  readonly store: Store;
  readonly client: webApi.WebClient;
  readonly cases: CaseService;
  readonly reminders: ReminderService;
  readonly caseRepo: CaseRepo;
  readonly reminderRepo: ReminderRepo;
  readonly workspaces: WorkspaceService;
  readonly presenter: Presenter;
  /** What the bot knows of channels' sharing (the sandbox's switch makes it forget one). */
  readonly sharing: ChannelSharing;
  readonly gate: Gate;
  readonly log: Log;
  /** Starts Bolt's receiver; resolves with the HTTP port (null in Socket Mode). */
  start(): Promise<number | null>;
  /** Posts the stored cases whose parent message never reached Slack (a crash, a shutdown, an outage). */
  publishPending(o?: {
    /** Only cases opened at least this long ago (another process may be posting newer ones). */
    olderThanMs?: number;
    /** Leave out cases whose channel refused them (not in it, archived): they wait for a person. */
    skipChannelProblems?: boolean;
  }): Promise<{ posted: number; failed: number; left: number }>;
  /**
   * Posts the thread lines a run that died (or a Slack outage) left pending for over a minute
   * (`olderThanMs`; younger ones may be on their way from another process).
   */
  deliverPendingLines(o?: { readonly olderThanMs?: number }): Promise<number>;
  /**
   * What time and crashes left out of Slack: first replies not known to be posted (looked for in
   * the thread first), and parents showing a step as not yet due, or snoozed, after that changed.
   */
  settleShown(o?: {
    /** Only first replies of cases posted at least this long ago (default a minute). */
    readonly olderThanMs?: number;
    /**
     * First replies looked for (one conversations.replies each, Tier 3: about 50 a minute): 20 a
     * minute for the sweep, more in the one burst of a start-up.
     */
    readonly firstReplies?: number;
  }): Promise<{ firstReplies: number; redrawn: number }>;
  /**
   * Brings Slack up to the stored cases, as start-up and the minute sweep do (in the running bot and
   * in the sandbox alike): unposted cases, then pending thread lines, then first replies and stale
   * parents. The options are publishPending's; `olderThanMs` also applies to the lines (a minute
   * when not given).
   */
  catchUp(
    o?: Parameters<Amends['publishPending']>[0] & Parameters<Amends['settleShown']>[0],
  ): Promise<{
    posted: number;
    failed: number;
    left: number;
    threadsWithLines: number;
    firstReplies: number;
    redrawn: number;
  }>;
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
  /**
   * Answer Slack only after the listener's work, Slack calls included (tests: a response means the
   * work is finished). Production answers at the listener's ack, which comes after the commit.
   */
  readonly processBeforeResponse?: boolean;
  /** Requests worked on at once, Slack calls included: a bound on memory (default 1000). */
  readonly maxInFlight?: number;
  /** A request whose ack is expected later than this after its arrival is refused (default 2000 ms). */
  readonly boundMs?: number;
  /** How long a Web API call may take before it counts as failed (default 10 s). */
  readonly slackTimeoutMs?: number;
  /** Who this process is in the database's leases (default: host, pid and a random part). */
  readonly holder?: string;
}

/** Whether a process of this host runs (signal 0 checks without sending anything). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // someone else's process: alive
  }
}

/**
 * Wires config → database → repositories → use-cases → Bolt app (its own receiver) and listeners.
 * No behaviour of its own: every decision lives in domain/ and services/, every Slack detail in slack/.
 * One path in every mode: receiver → gate → listener → use-case (commit) → ack → Slack calls.
 * Async because the database is opened (and migrated) first: PostgreSQL's is a round trip.
 */
export async function composeAmends(o: ComposeOptions): Promise<Amends> {
  const store = await openStore({
    url: o.config.databaseUrl,
    path: o.config.databasePath,
    playbook: o.config.playbook,
    onPoolError: (e) =>
      logFn(o.logger)('a database connection was lost while idle; the next query opens another', {
        error: String(e),
      }),
  });
  try {
    return await wire(o, store);
  } catch (e) {
    await store.close();
    throw e;
  }
}

async function wire(o: ComposeOptions, store: Store): Promise<Amends> {
  const { config, clock } = o;
  const log = logFn(o.logger);
  // SQLite only: WAL checkpoints run on their own connection and thread, so no commit waits for
  // one. The thread starts once the app listens (start()): nothing needs a checkpoint sooner, and
  // starting a Node worker (~40 ms of CPU on its own thread) would compete with the start-up for
  // two cores. PostgreSQL checkpoints on its own.
  const sqlite = store.sqlite;
  sqlite?.pragma('wal_autocheckpoint = 0');
  let checkpointer: Checkpointer | null = null;
  const startCheckpoints = () => {
    if (!sqlite) return;
    checkpointer ??= startCheckpointer(config.databasePath, (e) => {
      log('background checkpoints failed; back to automatic checkpoints', { error: String(e) });
      if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
    });
  };
  // The repositories each call runs on (a transaction of its own where it writes); atomic work goes
  // through store.uow. store/index.ts builds them from these classes, whose extra reads (the posts
  // of a thread) compose uses below.
  const repos = store.repos;
  const caseRepo = repos.cases as CaseRepo;
  const reminderRepo = repos.reminders as ReminderRepo;
  const lineRepo = repos.lines as LineRepo;

  const logLevel = {
    debug: LogLevel.DEBUG,
    info: LogLevel.INFO,
    warn: LogLevel.WARN,
    error: LogLevel.ERROR,
  }[config.logLevel];
  const logger = boltLogger(o.logger);

  // Built once the app (and its Web API client) exists; the gate only needs it for a busy answer.
  let profiles: ProfileService | null = null;
  const gate = new Gate({
    maxInFlight: o.maxInFlight ?? 1000,
    boundMs: o.boundMs ?? 2000,
    busyText: async (b) => {
      // The person's cached language if the database answers at once; past capacity the read may
      // wait behind the very work that makes the bot busy, and the default language will do.
      let timer: NodeJS.Timeout | undefined;
      const lang = await Promise.race([
        profiles
          ? profiles.cachedOrDefault(b.team_id ?? '', b.user_id ?? '').then(
              (p) => p.lang,
              () => config.defaultLang,
            )
          : config.defaultLang,
        new Promise<Lang>((resolve) => {
          timer = setTimeout(() => resolve(config.defaultLang), BUSY_LOOKUP_MS);
        }),
      ]);
      clearTimeout(timer);
      return t(lang).errors.busy;
    },
  });

  // No automatic retries: a retried chat.postMessage can post twice. Reminders retry from the outbox.
  const clientOptions: webApi.WebClientOptions = {
    ...(config.slackApiUrl ? { slackApiUrl: config.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: o.slackTimeoutMs ?? 10_000,
    rejectRateLimitedCalls: true,
    fetch: keepAliveFetch(),
  };
  let receiver: Receiver;
  if (config.mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: config.appToken ?? '',
      logger,
      logLevel,
      // apps.connections.open goes to SLACK_API_URL too (GovSlack, a test server). It keeps the
      // socket client's own retries: asking twice for a socket posts nothing, and without them one
      // failed call while reconnecting is an unhandled rejection and the bot never comes back.
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: undefined } },
    });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.signingSecret ?? '',
      logger,
      logLevel,
      processBeforeResponse: o.processBeforeResponse ?? false,
      customRoutes: [
        {
          path: '/healthz',
          method: ['GET', 'HEAD'],
          handler: (_req, res) => {
            const ok = !gate.stopping;
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ ok, stopping: gate.stopping, inFlight: gate.active }));
          },
        },
      ],
      customPropertiesExtractor: (req) => ({
        [RECEIVED_AT]: (req as { [RECEIVED_AT]?: number })[RECEIVED_AT] ?? performance.now(),
      }),
      // A refused request already has its 503; only a listener that never acked is worth a line.
      unhandledRequestHandler: (args) => {
        if (args.response.headersSent) return;
        HTTPModuleFunctions.defaultUnhandledRequestHandler(args);
      },
      processEventErrorHandler: async (args: ReceiverProcessEventErrorHandlerArgs) => {
        if (args.error instanceof Refused && !args.response.headersSent) {
          args.response.writeHead(503, { 'retry-after': '30' });
          args.response.end();
          return false;
        }
        if (args.error instanceof Malformed && !args.response.headersSent) {
          args.logger.warn('refused a signed request whose body is not a Slack payload');
          args.response.writeHead(400);
          args.response.end();
          return false;
        }
        return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      },
    });
  }

  const app = new App({
    token: config.botToken ?? '',
    receiver,
    clientOptions,
    logger,
    logLevel,
    tokenVerificationEnabled: false,
    // Amends keeps no conversation state in Bolt: its store would run on every request for nothing.
    convoStore: false,
    ...(o.botUserId ? { botUserId: o.botUserId } : {}),
    ...(o.botId ? { botId: o.botId } : {}),
  });
  const client = app.client;
  // A signed body that is not a Slack payload (`payload=null`, an empty form) is refused with a 400
  // before Bolt looks into it, instead of a TypeError and a 500, or a 404 three seconds later.
  // Every request (HTTP, Socket Mode, sandbox) passes here before Bolt reads it: its text is made
  // well-formed once, so no listener, store or encoder downstream meets a lone surrogate.
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    if (!isSlackBody(event.body)) throw new Malformed();
    wellFormed(event.body);
    // Taken or refused here, before Bolt does any work: see Gate.
    return gate.handle(event, () => processEvent(event));
  };
  profiles = new ProfileService({
    repo: repos.profiles,
    directory: new SlackUserDirectory(client),
    defaultTz: config.defaultTz,
    defaultLang: config.defaultLang,
    ttlMs: 12 * 60 * 60_000,
  });

  const cases = new CaseService({
    cases: caseRepo,
    lines: lineRepo,
    uow: store.uow,
    playbook: config.playbook,
    profiles,
    clock,
  });
  // What Slack shows (a first reply's ts, when a parent was drawn) is a hint for the minute sweep,
  // not a state change: written in one transaction a second later instead of a commit (an fsync)
  // per post. A crash loses at most that second's hints: the sweep then looks in the thread, or
  // draws a parent once more.
  const hints = new Map<
    number,
    { teamId: string; firstReplyTs?: string; renderedAt?: Date; renderedVersion?: number }
  >();
  let hintTimer: NodeJS.Timeout | undefined;
  // The flush on its way: a flush asked for meanwhile resolves only once that one is stored too, so
  // whoever flushes before a read (the sweep, a withdrawal) reads every hint taken before it.
  let flushing: Promise<void> = Promise.resolve();
  const flushHints = (): Promise<void> => {
    clearTimeout(hintTimer);
    hintTimer = undefined;
    if (hints.size === 0 || !store.open) return flushing;
    const all = [...hints.entries()];
    hints.clear();
    // Hints, not state: no fsync for them (light), as for the ts of a post.
    const run = flushing.then(() =>
      store.uow.run(
        async (tx) => {
          for (const [id, h] of all) {
            if (h.firstReplyTs) await tx.cases.setFirstReply(h.teamId, id, h.firstReplyTs);
            if (h.renderedAt)
              await tx.cases.setRenderedAt(h.teamId, id, h.renderedAt, h.renderedVersion ?? 0);
          }
        },
        { light: true },
      ),
    );
    flushing = run.catch(() => {}); // the next flush waits for this one, failed or not
    return run;
  };
  const hint = (
    c: { teamId: string; id: number },
    h: { firstReplyTs?: string; renderedAt?: Date; renderedVersion?: number },
  ) => {
    const before = hints.get(c.id);
    const renderedVersion = Math.max(before?.renderedVersion ?? 0, h.renderedVersion ?? 0);
    hints.set(c.id, { ...before, teamId: c.teamId, ...h, renderedVersion });
    hintTimer ??= setTimeout(() => {
      flushHints().catch((e: unknown) =>
        log('could not record what Slack shows; the sweep checks again', { error: String(e) }),
      );
    }, 1000).unref();
  };
  // Who this process is in leases and claims, and its heartbeat: what a dead process held is taken
  // over within seconds (at once on this host), on any number of hosts.
  const holder = o.holder ?? holderName(hostname(), process.pid, randomBytes(4).toString('hex'));
  const liveness = new Liveness(
    repos.processes,
    holder,
    Date.now,
    deadOnThisHost(hostname(), pidAlive),
    log,
  );
  // The first heartbeat is written before the app takes a request (a failure is logged: the next
  // beat is 2 s away).
  await liveness.start();
  const sharing = new ChannelSharing(clock, log, undefined, repos.sharing);
  const reports = new ReportService(store.reports, clock);
  const home = new HomePublisher({ cases, reports, profiles, log });
  const view = new SlackCaseView(client, config.playbook, sharing, o.botUserId);
  const presenter = new Presenter({
    view,
    cases,
    clock,
    log,
    load: (team, id) => caseRepo.get(team, id),
    leases: new Leases(repos.leases, holder, clock, liveness.isGone, undefined, liveness.lapsed),
    recoveryChannel: config.recoveryChannel,
    flag: (c, problem) => caseRepo.setDeliveryProblem(c.teamId, c.id, problem),
    changed: (c) => home.changed(client, c),
    firstReplied: (c, ts) => hint(c, { firstReplyTs: ts }),
    retry: (c) => retrySoon(c),
    rendered: (c, at) => hint(c, { renderedAt: at, renderedVersion: c.version }),
    threadPosts: async (c) => {
      // A first reply posted in the last second is on record too (a failed flush: the sweep's
      // look in the thread finds it later).
      await flushHints().catch(() => {});
      // The first reply, the lines and the invite files (`file:<id>`), and the nudges.
      const [first, lines, nudges] = await Promise.all([
        caseRepo.firstReplyOf(c.teamId, c.id),
        lineRepo.sentFor(c.teamId, c.id),
        reminderRepo.forCase(c.teamId, c.id),
      ]);
      return [
        ...first,
        ...lines,
        ...nudges
          .filter((r) => r.status === 'sent' && r.messageTs && r.kind !== 'digest')
          .map((r) => r.messageTs as string),
      ];
    },
  });
  // Slack could not say whether a case's channel is shared: nothing was posted there. The case is
  // brought up to date again after 2 s, 4 s, ... 32 s (the sharing check has its own back-off per
  // channel); past that the minute sweep goes on trying.
  const retrying = new Map<number, { attempt: number; timer?: NodeJS.Timeout }>();
  const bringUp = async (id: number, teamId: string) => {
    const c = await caseRepo.get(teamId, id);
    if (!c) return;
    if (!c.messageTs) {
      await presenter.publish(c, { recover: true });
      return;
    }
    // Each step on its own: a redraw that fails leaves the lines and the first reply to try.
    const failed = (what: string) => (e: unknown) =>
      log(`could not ${what}; the sweep tries again`, { caseId: id, error: String(e) });
    await presenter.refresh(c).catch(failed('redraw the case'));
    await presenter.deliverLines(c).catch(failed('post its thread lines'));
    await presenter.ensureFirstReply(c).catch(failed('post its first reply'));
  };
  const retrySoon = (c: { id: number; teamId: string }) => {
    const r = retrying.get(c.id) ?? { attempt: 0 };
    if (r.timer || gate.stopping) return;
    if (r.attempt >= 5) {
      retrying.delete(c.id);
      return;
    }
    r.attempt++;
    r.timer = setTimeout(
      () => {
        r.timer = undefined;
        if (gate.stopping) return;
        void gate
          .track(bringUp(c.id, c.teamId))
          .catch((e: unknown) => log('could not bring a case up to date', { error: String(e) }))
          .finally(() => {
            // Not asked again during this attempt: Slack answered, the case is where it should be.
            if (!retrying.get(c.id)?.timer) retrying.delete(c.id);
          });
      },
      1000 * 2 ** r.attempt,
    );
    r.timer.unref();
    retrying.set(c.id, r);
  };
  const workspaceService = new WorkspaceService(repos.workspaces);
  const reminders = new ReminderService({
    holder,
    isGone: liveness.isGone,
    uow: store.uow,
    cases: caseRepo,
    reminders: reminderRepo,
    workspaces: workspaceService,
    profiles,
    playbook: config.playbook,
    channel: new SlackReminderChannel(
      client,
      config.playbook,
      clock,
      (c) => presenter.refresh(c),
      (c) => presenter.isShared(c),
      {
        owned: (team, user) => caseRepo.listOwned(team, user),
        lang: async (team, user) => (await profiles.cachedOrDefault(team, user)).lang,
        name: async (team, user) => profiles.nameOf(team, user),
      },
    ),
    clock,
    log,
    ...(o.pacer ? { pacer: o.pacer } : {}),
    ...(o.channelIntervalMs !== undefined ? { channelIntervalMs: o.channelIntervalMs } : {}),
  });

  const deps: ListenerDeps = {
    cases,
    profiles,
    reminders,
    workspaces: workspaceService,
    presenter,
    reports,
    home,
    log,
  };
  registerIncidentCommand(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
  registerUnhandled(app);
  registerShortcuts(app, deps);
  app.error(async (e) => {
    const original = (e as { original?: unknown }).original ?? e;
    log('unhandled listener error', {
      error: original instanceof Error ? (original.stack ?? original.message) : String(original),
    });
  });

  let stopped = false;
  const amends: Amends = {
    app,
    store,
    client,
    cases,
    reminders,
    caseRepo,
    reminderRepo,
    workspaces: workspaceService,
    presenter,
    sharing,
    gate,
    log,
    async start() {
      // A deep accept queue: past capacity, a connection the kernel drops waits for TCP's SYN retry
      // (1 s, 3 s, 7 s...) however fast the app refuses the request once it is in (Node's
      // default backlog is 511; the kernel caps this at net.core.somaxconn).
      const listen =
        config.mode === 'socket' ? undefined : { port: config.port, host: o.host, backlog: 4096 };
      const server = (await app.start(listen as never).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EADDRINUSE'
          ? new Error(`port ${config.port} is already in use: set PORT to another port`)
          : e;
      })) as unknown;
      startCheckpoints();
      if (config.mode === 'socket') return null;
      const http = server as Server;
      // Ahead of Bolt's own listener: stamp the arrival (the gate refuses what waited too long) and
      // read the body of Slack's endpoint first (src/slack/bodyGuard.ts), then hand it to Bolt.
      const bolt = http.listeners('request') as ((
        req: IncomingMessage,
        res: ServerResponse,
      ) => void)[];
      http.removeAllListeners('request');
      // A connection's first request counts from when the connection may have reached the kernel's
      // accept queue (AcceptQueue), later ones on it from when they are read.
      const queue = new AcceptQueue();
      const waitingSince = new WeakMap<object, number>();
      http.on('connection', (socket) => {
        waitingSince.set(socket, queue.accepted());
        // Only a request already sent with the connection (read within the next two turns) waited
        // in the queue; a connection opened ahead of its first request (a client's pool) did not.
        setImmediate(() => setImmediate(() => waitingSince.delete(socket)));
      });
      // Every request read in one turn of the event loop was ready when the turn began (the poll
      // returns every ready socket at once), and a long turn handles them back to back: each counts
      // from the turn's first request, so past capacity the ones at the end of a long turn are seen
      // to have waited, and refused, instead of answered seconds late.
      let turnBegan: number | null = null;
      http.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const now = performance.now();
        if (turnBegan === null) {
          turnBegan = now;
          setImmediate(() => {
            turnBegan = null;
          });
        }
        const since = waitingSince.get(req.socket) ?? queue.queuingSince ?? now;
        waitingSince.delete(req.socket);
        (req as unknown as Record<string, number>)[RECEIVED_AT] = Math.min(since, turnBegan);
        const path = (req.url ?? '').split('?')[0];
        const pass = () => {
          for (const l of bolt) l.call(http, req, res);
        };
        if (req.method !== 'POST' || path !== '/slack/events') return pass();
        guardBody(req, res, { signingSecret: config.signingSecret ?? '' }).then(
          (ok) => ok && pass(),
          (e: unknown) => {
            log('could not read a request', { error: String(e) });
            if (!res.headersSent) res.writeHead(500).end();
          },
        );
      });
      http.keepAliveTimeout = 65_000; // longer than the load balancers' usual 60 s idle timeout
      return (http.address() as AddressInfo).port;
    },
    async publishPending(o = {}) {
      let posted = 0;
      let failed = 0;
      const before = cases.now().getTime() - (o.olderThanMs ?? 0);
      const waiting = (await cases.unposted()).filter(
        (c) =>
          c.createdAt.getTime() <= before &&
          !(o.skipChannelProblems && isChannelProblem(c.deliveryProblem)),
      );
      // One look at each channel for the posts a run that died had made, then one case at a time
      // in each channel (Slack paces posts per channel); a few channels at once, so a restart after
      // a crash in a busy workspace is not one long queue.
      const byChannel = new Map<string, typeof waiting>();
      for (const c of waiting)
        byChannel.set(c.channelId, [...(byChannel.get(c.channelId) ?? []), c]);
      const lanes = [...byChannel];
      const lane = async ([channel, list]: (typeof lanes)[number]) => {
        const since = new Date(Math.min(...list.map((c) => c.createdAt.getTime())));
        const at = cases.now();
        const map = await presenter.postedIn(channel, since).catch((e: unknown) => {
          log('could not look for earlier posts; trying each case', { channel, error: String(e) });
          return null;
        });
        for (const c of list) {
          if (gate.stopping) break; // a shutdown leaves the rest to the next start
          const shown = await presenter.publish(
            c,
            map ? { found: { map, at } } : { recover: true },
          );
          if (shown.ok) posted++;
          else failed++;
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(PENDING_LANES, lanes.length) }, async () => {
          for (let l = lanes[next++]; l && !gate.stopping; l = lanes[next++]) await lane(l);
        }),
      );
      return { posted, failed, left: waiting.length - posted - failed };
    },
    async deliverPendingLines(o = {}) {
      let n = 0;
      // Each case is one conversations.replies (Tier 3, about 50 a minute, shared with the first
      // replies' 20 below and the reminders' settling): at most 25 a sweep, the rest next minute.
      for (const { teamId, caseId } of await cases.casesWithPendingLines(25, o.olderThanMs)) {
        if (gate.stopping) break;
        const c = await caseRepo.get(teamId, caseId);
        if (!c) continue;
        await presenter
          .deliverLines(c, { recover: true })
          .catch((e: unknown) => log('could not post thread lines', { caseId, error: String(e) }));
        n++;
      }
      return n;
    },
    async catchUp(o = {}) {
      const pending = await this.publishPending(o);
      const threadsWithLines = await this.deliverPendingLines(o);
      const shown = await this.settleShown(o);
      return { ...pending, threadsWithLines, ...shown };
    },
    async settleShown(o = {}) {
      // The hints of the last second first, so nothing just posted is looked for again.
      await flushHints();
      try {
        let firstReplies = 0;
        let redrawn = 0;
        const before = new Date(cases.now().getTime() - (o.olderThanMs ?? 60_000));
        for (const c of await caseRepo.listMissingFirstReply(before, o.firstReplies ?? 20)) {
          if (gate.stopping) break;
          await presenter
            .ensureFirstReply(c)
            .then(() => firstReplies++)
            .catch((e: unknown) =>
              log('could not settle a first reply', { caseId: c.id, error: String(e) }),
            );
        }
        // A step came due or a snooze ended since the parent was drawn, or the parent was drawn from
        // an older version of the case: draw it again (at most 50 a minute, chat.update's Tier 3).
        for (const c of await caseRepo.listStaleParents(cases.now(), 50)) {
          if (gate.stopping) break;
          await presenter
            .refresh(c)
            .then(() => redrawn++)
            .catch((e: unknown) =>
              log('could not redraw a case', { caseId: c.id, error: String(e) }),
            );
        }
        return { firstReplies, redrawn };
      } finally {
        await flushHints();
      }
    },
    async drain(timeoutMs) {
      gate.close();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        gate.idle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      return { left: gate.active };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      gate.close();
      try {
        await app.stop();
      } catch {
        // not started, or already stopped
      }
      // The last hints (failing: the sweep checks again after the next start).
      await flushHints().catch(() => {});
      for (const r of retrying.values()) clearTimeout(r.timer);
      await liveness.stop();
      // The checkpoint thread's last TRUNCATE, then the database itself.
      await checkpointer?.stop();
      await store.close();
    },
  };
  return amends;
}

/** How long a refused slash command waits for the person's cached language (then the default). */
const BUSY_LOOKUP_MS = 200;

/** Channels whose waiting cases are posted at once by publishPending (one case at a time in each). */
const PENDING_LANES = 4;

/** How long a shutdown waits for the requests in progress (Kubernetes allows 30 s by default). */
export const DRAIN_MS = 10_000;

/**
 * The bot as it runs against Slack (HTTP or Socket Mode): fail fast if Slack refuses the token, wire
 * the app, settle reminder claims a previous process left in flight, start, post the cases a
 * previous process stored but never showed, then tick reminders and tidy up hourly.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  /** auth.test already on its way (src/main.ts sends it before loading this module). */
  identity?: Promise<BotIdentity>,
): Promise<{ readonly amends: Amends; readonly port: number | null; stop(): Promise<void> }> {
  const who = await (identity ?? checkSlack(config));
  const amends = await composeAmends({ config, clock: systemClock, logger, ...who });
  const { log } = amends;
  let port: number | null;
  try {
    await amends.reminders.reconcile();
    port = await amends.start();
  } catch (e) {
    // Nothing left open behind the failure (a PostgreSQL pool would keep the process alive).
    await amends.stop().catch(() => {});
    throw e;
  }
  // In the background, so start-up doesn't wait on Slack; a shutdown waits for it like a request.
  // Parents behind their stored case (a run died between a commit and its chat.update) are redrawn
  // here, 50 at most, and by the minute sweep after.
  // Everything, however recent: what a dead process held is taken over at once when its pid is
  // gone from this host; held by a process of another host, once its heartbeat runs out, so the
  // catch-up runs again just after that (ALIVE_MS), with the claims it left.
  // One catch-up at a time in this process (start-up, its second run, the minute sweep): two at once
  // would both find the same first reply missing.
  let catching: Promise<void> | null = null;
  const catchUpOnce = (o: Parameters<Amends['catchUp']>[0], say: string, always = false) => {
    if (catching || amends.gate.stopping) return catching ?? Promise.resolve();
    catching = amends.gate
      .track(amends.catchUp(o))
      .then((r) => {
        if (always || r.posted || r.failed || r.firstReplies || r.redrawn || r.threadsWithLines)
          log(say, { ...r });
      })
      .catch((e) => log('could not bring Slack up to date', { error: String(e) }))
      .finally(() => {
        catching = null;
      });
    return catching;
  };
  const catchUpNow = () =>
    catchUpOnce(
      { olderThanMs: 0, firstReplies: 50 },
      'cases stored but not shown by a previous run',
      true,
    );
  void catchUpNow();
  const again = setTimeout(() => {
    if (amends.gate.stopping) return;
    void amends.gate.track(amends.reminders.reconcile()).catch(() => {});
    void catchUpNow();
  }, ALIVE_MS + 1000);
  again.unref();
  // Every minute, cases Slack could not take (an outage) are tried again, at most once a minute
  // each; cases opened in the last minute are left to the process posting them.
  const sweep = () =>
    catchUpOnce(
      { olderThanMs: 60_000, skipChannelProblems: true },
      'brought Slack up to date with the stored cases',
    );
  const tickers: Ticker[] = [
    scheduleReminders(config.reminderCron, amends.reminders, log),
    scheduleSweep('* * * * *', sweep, log),
    scheduleHousekeeping(() => amends.cases.forgetOldRequests(), log),
  ];
  return {
    amends,
    port,
    async stop() {
      clearTimeout(again);
      const started = performance.now();
      const inFlight = amends.gate.active;
      const drain = amends.drain(DRAIN_MS);
      // A reminder tick in progress finishes its posts (stop() waits for it); no new tick starts.
      await Promise.all(tickers.map((t) => t.stop()));
      const { left } = await drain;
      const unposted = await amends.cases.unposted().then(
        (l) => l.length,
        () => null, // not known: the database failed; the next start posts them anyway
      );
      log('drained', {
        requestsInProgress: inFlight,
        finished: inFlight - left,
        abandoned: left,
        refused: amends.gate.refused.stopping,
        casesLeftToPost: unposted,
        ms: Math.round(performance.now() - started),
      });
      await amends.stop();
    },
  };
}
