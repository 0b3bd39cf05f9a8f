import type { Amends, ComposeOptions } from './amends.js';
import { installations } from './installs.js';
import { lifecycle } from './lifecycle.js';
import { logPort } from './log.js';
import { countedReminders } from './ops/instrument.js';
import { observability } from './ops/observability.js';
import { thisProcess } from './process.js';
import { CaseService } from './services/cases.js';
import { housekeeping } from './services/housekeeping.js';
import { ProfileService } from './services/profiles.js';
import { Projection } from './services/projection.js';
import { ReminderService } from './services/reminders.js';
import { ReportService } from './services/reports.js';
import { WorkspaceService } from './services/workspaces.js';
import { digestPeople, SlackReminderChannel, SlackUserDirectory } from './slack/adapters.js';
import { SlackCaseView } from './slack/caseView.js';
import { connectSlack, slackGate } from './slack/connection.js';
import { isChannelProblem } from './slack/errors.js';
import { HomePublisher } from './slack/home.js';
import { registerListeners } from './slack/listeners/index.js';
import { ChannelSharing } from './slack/sharing.js';
import type { CaseRepo } from './store/caseRepo.js';
import { backgroundCheckpoints } from './store/checkpointer.js';
import { openStore, type Store } from './store/index.js';
import type { ReminderRepo } from './store/reminderRepo.js';

export type { Amends, ComposeOptions } from './amends.js';

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
  const gate = slackGate({
    ...o,
    defaultLang: config.defaultLang,
    langOf: async (team, user) =>
      busyProfiles ? (await busyProfiles.cachedOrDefault(team, user)).lang : config.defaultLang,
  });
  const observed = observability({
    config,
    ops: store.ops,
    now: () => clock.now().getTime(),
    draining: () => gate.stopping,
    storeOpen: () => store.open,
    processMetrics: o.processMetrics ?? false,
  });
  const { metrics, observeSlack } = observed;
  const { holder, liveness, leases } = thisProcess({ ...o, store, log, metrics });
  const installed = installations(o, store, holder, log, metrics);
  const { app, client, inWorkspace } = connectSlack({
    ...o,
    gate,
    routes: observed.receiverRoutes,
    observeSlack,
    installed,
  });
  const profiles = new ProfileService({
    repo: repos.profiles,
    directory: new SlackUserDirectory(client),
    defaultTz: config.defaultTz,
    defaultLang: config.defaultLang,
    ttlMs: 12 * 60 * 60_000,
  });
  busyProfiles = profiles;
  const { playbook, retentionDays } = config;
  const cases = new CaseService({
    cases: repos.cases,
    lines: repos.lines,
    uow,
    playbook,
    profiles,
    clock,
    clients: repos.clients,
  });
  // The first heartbeat is written before the app takes a request (a failure is logged: the next
  // beat is 2 s away).
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
    leases,
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
    channel: new SlackReminderChannel(client, playbook, clock, digestPeople(repos.cases, profiles)),
    presenter,
    clock,
    log,
    ...(o.pacer ? { pacer: o.pacer } : {}),
    ...(o.channelIntervalMs !== undefined ? { channelIntervalMs: o.channelIntervalMs } : {}),
  });
  registerListeners(app, { cases, profiles, reminders, workspaces, presenter, reports, home, log });

  return {
    ...lifecycle(o, { app, gate, observed, checkpoints, projection, liveness, store, log }),
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
    ops: { metrics, slack: observed.slackAuth, healthPort: () => observed.port() },
    publishPending: (p) => projection.publishPending(p),
    deliverPendingLines: (p) => projection.deliverPendingLines(p),
    settleShown: (p) => projection.settleShown(p),
    catchUp: (p) => projection.catchUp(p),
    sweep: (kind) => projection.sweep(kind),
    watchPeers: (onGone) => liveness.watchPeers(onGone),
    housekeeping: housekeeping({ cases, workspaces, clock, retentionDays, log }),
  };
}
