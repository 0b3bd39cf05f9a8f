import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Amends, ComposeOptions } from './amends.js';
import { installations } from './installs.js';
import { logPort } from './log.js';
import { countedLeases, countedReminders } from './ops/instrument.js';
import { observability } from './ops/observability.js';
import { CaseService } from './services/cases.js';
import { deadOnThisHost, holderName, Leases, Liveness } from './services/leases.js';
import type { InWorkspace } from './services/ports.js';
import { ProfileService } from './services/profiles.js';
import { Projection } from './services/projection.js';
import { ReminderService } from './services/reminders.js';
import { ReportService } from './services/reports.js';
import { WorkspaceService } from './services/workspaces.js';
import { SlackReminderChannel, SlackUserDirectory } from './slack/adapters.js';
import { busyText, createBoltApp, drain, startBoltApp, webClientOptions } from './slack/boltApp.js';
import { SlackCaseView } from './slack/caseView.js';
import { isChannelProblem } from './slack/errors.js';
import { Gate } from './slack/gate.js';
import { HomePublisher } from './slack/home.js';
import { registerListeners } from './slack/listeners/index.js';
import { ChannelSharing } from './slack/sharing.js';
import { forTeam, TeamClient } from './slack/teamClient.js';
import type { SlackCallObserver } from './slack/transport.js';
import type { CaseRepo } from './store/caseRepo.js';
import { backgroundCheckpoints } from './store/checkpointer.js';
import { openStore, type Store } from './store/index.js';
import type { ReminderRepo } from './store/reminderRepo.js';

export type { Amends, ComposeOptions } from './amends.js';

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
 * Async because the database is opened (and migrated) first: PostgreSQL's is a round trip.
 */
export async function composeAmends(o: ComposeOptions): Promise<Amends> {
  const store = await openStore({
    url: o.config.databaseUrl,
    path: o.config.databasePath,
    playbook: o.config.playbook,
    onPoolError: (e) =>
      logPort(o.logger).warn(
        'a database connection was lost while idle; the next query opens another',
        { err: e },
      ),
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
  const log = logPort(o.logger);
  const { repos, uow } = store;
  const checkpoints = backgroundCheckpoints(store.sqlite, config.databasePath, log);
  // The gate needs the profiles for a busy answer only; they need the app's Web API client.
  let busyProfiles: ProfileService | undefined;
  const gate = new Gate({
    maxInFlight: o.maxInFlight ?? 1000,
    boundMs: o.boundMs ?? 2000,
    busyText: busyText(config.defaultLang, async (team, user) =>
      busyProfiles ? (await busyProfiles.cachedOrDefault(team, user)).lang : config.defaultLang,
    ),
  });
  const observed = observability({
    mode: config.mode,
    port: config.port,
    healthPort: config.healthPort,
    ops: store.ops,
    now: () => clock.now().getTime(),
    draining: () => gate.stopping,
    storeOpen: () => store.open,
    processMetrics: o.processMetrics ?? false,
  });
  const { metrics, slackAuth } = observed;
  // Who this process is in leases and claims, and its heartbeat: what a dead process held is taken
  // over within seconds, on any number of hosts. On SQLite (one file, so one host) a holder whose
  // pid is gone is known dead at once; on PostgreSQL only heartbeats count, by the server's clock:
  // a pid means nothing on another machine. The first heartbeat is written before the app takes a
  // request (a failure is logged: the next beat is 2 s away).
  const holder = o.holder ?? holderName(hostname(), process.pid, randomBytes(4).toString('hex'));
  const observeSlack: SlackCallObserver = (method, status, seconds, error) => {
    metrics.slackCall(method, status, seconds);
    // With many workspaces one workspace's refused token says nothing of the others'.
    if (!config.oauth) slackAuth.answered(error);
  };
  const installed = config.oauth
    ? installations(
        config.oauth,
        store,
        holder,
        clock,
        log,
        metrics,
        o.slackTimeoutMs,
        config.slackApiUrl,
      )
    : null;
  const app = createBoltApp({
    ...o,
    gate,
    routes: observed.receiverRoutes,
    observeSlack,
    ...(installed
      ? { installationStore: installed.slack, onOrgWorkspace: installed.seenInOrg }
      : {}),
  });
  // One workspace: Bolt's client with the bot token. Many: each call with its workspace's token.
  const client = installed
    ? new TeamClient(
        installed.tokenOf,
        webClientOptions({
          slackApiUrl: config.slackApiUrl,
          slackTimeoutMs: o.slackTimeoutMs,
          observeSlack,
        }),
      )
    : app.client;
  const inWorkspace: InWorkspace | undefined = installed
    ? (team, fn) => forTeam(team, fn)
    : undefined;
  const profiles = new ProfileService({
    repo: repos.profiles,
    directory: new SlackUserDirectory(client),
    defaultTz: config.defaultTz,
    defaultLang: config.defaultLang,
    ttlMs: 12 * 60 * 60_000,
  });
  busyProfiles = profiles;
  const { playbook } = config;
  const cases = new CaseService({
    cases: repos.cases,
    lines: repos.lines,
    uow,
    playbook,
    profiles,
    clock,
    clients: repos.clients,
  });
  const liveness = new Liveness(
    repos.processes,
    holder,
    Date.now,
    store.engine === 'sqlite' ? deadOnThisHost(hostname(), pidAlive) : undefined,
    log,
  );
  await liveness.start();
  const sharing = new ChannelSharing(clock, log, undefined, repos.sharing);
  const reports = new ReportService(store.reports, clock);
  const home = new HomePublisher({ cases, reports, profiles, viewers: repos.viewers, log });
  const projection = new Projection({
    view: new SlackCaseView(client, playbook, sharing, o.botUserId),
    cases,
    cachedLang: (team, user) => profiles.cachedLang(team, user),
    clock,
    log,
    leases: new Leases(
      countedLeases(repos.leases, metrics),
      holder,
      clock,
      liveness.isGone,
      undefined,
      liveness.lapsed,
    ),
    recoveryChannel: config.recoveryChannel,
    changed: (c) => home.changed(client, c),
    ...(inWorkspace ? { inWorkspace } : {}),
    repos,
    uow,
    work: gate,
    open: () => store.open,
    isChannelProblem,
  });
  const { presenter } = projection;
  const workspaces = new WorkspaceService(repos.workspaces, installed?.repo ?? null);
  const reminders = new ReminderService({
    holder,
    isGone: liveness.isGone,
    uow,
    cases: repos.cases,
    reminders: countedReminders(repos.reminders, metrics),
    workspaces,
    profiles,
    playbook,
    channel: new SlackReminderChannel(client, playbook, clock, {
      owned: (team, user) => repos.cases.listOwned(team, user),
      lang: async (team, user) => (await profiles.cachedOrDefault(team, user)).lang,
      name: (team, user) => profiles.nameOf(team, user),
    }),
    presenter,
    clock,
    log,
    ...(o.pacer ? { pacer: o.pacer } : {}),
    ...(o.channelIntervalMs !== undefined ? { channelIntervalMs: o.channelIntervalMs } : {}),
  });

  registerListeners(app, {
    cases,
    profiles,
    reminders,
    workspaces,
    presenter,
    reports,
    home,
    log,
  });

  let stopped = false;
  return {
    app,
    store,
    client,
    cases,
    profiles,
    reminders,
    caseRepo: repos.cases as CaseRepo,
    reminderRepo: repos.reminders as ReminderRepo,
    workspaces,
    presenter,
    sharing,
    gate,
    log,
    ops: {
      metrics,
      slack: slackAuth,
      healthPort: () => observed.port(),
    },
    async start() {
      const port = await startBoltApp(app, { config, host: o.host, log });
      await observed.start(o.host);
      checkpoints.start();
      return port;
    },
    publishPending: (p) => projection.publishPending(p),
    deliverPendingLines: (p) => projection.deliverPendingLines(p),
    settleShown: (p) => projection.settleShown(p),
    catchUp: (p) => projection.catchUp(p),
    sweep: (kind) => projection.sweep(kind),
    watchPeers: (onGone) => liveness.watchPeers(onGone),
    async housekeeping() {
      await cases.forgetOldRequests();
      for (const { teamId, deleted } of await workspaces.purgeUninstalled(
        clock.now(),
        config.retentionDays,
      ))
        log.info('workspace data deleted: uninstalled longer ago than the retention period', {
          team: teamId,
          retentionDays: config.retentionDays,
          rows: deleted,
        });
    },
    drain: (timeoutMs) => drain(gate, timeoutMs),
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
      await projection.stop();
      await liveness.stop();
      await checkpoints.stop();
      await store.close();
      await observed.stop();
    },
  };
}
