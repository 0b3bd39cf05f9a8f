import type { Amends, ComposeOptions } from './amends.js';
import { composeAmends } from './compose.js';
import type { Config } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import type { Logger } from './log.js';
import {
  scheduleHousekeeping,
  scheduleReminders,
  scheduleSweep,
  type Ticker,
} from './scheduler/reminderTick.js';
import { ALIVE_MS } from './services/leases.js';
import { TAKEOVER_OLDER_THAN_MS } from './services/projection.js';
import type { TickReport } from './services/reminders.js';
import { type BotIdentity, checkSlack } from './slack/checkSlack.js';

/** How long a shutdown waits for the requests in progress (Kubernetes allows 30 s by default). */
export const DRAIN_MS = 10_000;

/**
 * What a bot started elsewhere than against Slack needs changed: the sandbox's clock, which it
 * moves forward, and its fake Slack's side of the start-up. Production passes none of it.
 */
export interface StartOptions {
  /** The bot's clock (default: the system's). */
  readonly clock?: Clock;
  /** Options of composeAmends beyond the config, clock and logger (bind address, install flow…). */
  readonly compose?: Partial<Omit<ComposeOptions, 'config' | 'clock' | 'logger'>>;
  /** Run once the bot is wired, before claims are settled and the receiver starts. */
  readonly prepare?: (amends: Amends) => Promise<void>;
  /** Run once the receiver listens, before the start-up catch-up. */
  readonly started?: (amends: Amends, port: number | null) => Promise<void>;
}

/** A started bot: what it composed, its port, its tickers, and how it stops. */
export interface RunningBot {
  readonly amends: Amends;
  readonly port: number | null;
  /** The start-up catch-up (it runs in the background): settles when it has ended. */
  readonly caughtUp: Promise<void>;
  /** The reminder tick and the minute sweep; runNow runs one at once, never beside another. */
  readonly tickers: { readonly reminders: Ticker<TickReport>; readonly sweep: Ticker<void> };
  stop(): Promise<void>;
}

/**
 * The bot as it runs against Slack (HTTP or Socket Mode): fail fast if Slack refuses the token, wire
 * the app, settle reminder claims a previous process left in flight, start, post the cases a
 * previous process stored but never showed, then tick reminders, sweep and tidy up.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  /** auth.test already on its way (src/main.ts sends it before loading this module). */
  identity?: Promise<BotIdentity>,
  o: StartOptions = {},
): Promise<RunningBot> {
  // Many workspaces: no one bot token to check; each installation is checked as it is used.
  const who = config.oauth ? {} : await (identity ?? checkSlack(config));
  const amends = await composeAmends({
    config,
    clock: o.clock ?? systemClock,
    logger,
    processMetrics: true,
    ...who,
    ...o.compose,
  });
  const { log, gate } = amends;
  let port: number | null;
  try {
    await o.prepare?.(amends);
    await amends.reminders.reconcile();
    port = await amends.start();
    await o.started?.(amends, port);
  } catch (e) {
    // Nothing left open behind the failure (a PostgreSQL pool would keep the process alive).
    await amends
      .stop()
      .catch((s: unknown) => log.error('could not close what start-up opened', { err: s }));
    throw e;
  }
  // In the background, so start-up doesn't wait on Slack. What a dead process held is taken over
  // at once when its pid is gone from this host; held by a process of another host, once its
  // heartbeat runs out: so the start-up catch-up runs again just after that, with the claims it left.
  const caughtUp = amends.sweep('start');
  /** Settles the reminder claims and brings Slack up to the store, as `kind` (never rejects). */
  const takeOver = (kind: 'start' | 'takeover') => {
    if (gate.stopping) return;
    void gate
      .track(amends.reminders.reconcile())
      .catch((e: unknown) => log.error('could not reconcile reminders; will retry', { err: e }));
    void amends.sweep(kind);
  };
  const again = setTimeout(() => takeOver('start'), ALIVE_MS + 1000);
  again.unref();
  // Another process died (or stopped): its claims and the cases it acknowledged but never showed
  // are taken over now, not at the next minute sweep (which leaves cases younger than a minute),
  // and once more when what was too recent for the first look has aged past a Slack call.
  let takeoverAgain: NodeJS.Timeout | undefined;
  amends.watchPeers((gone) => {
    if (gate.stopping) return;
    log.info('processes stopped beating; taking over what they left', { holders: gone });
    takeOver('takeover');
    clearTimeout(takeoverAgain);
    takeoverAgain = setTimeout(() => {
      if (!gate.stopping) void amends.sweep('takeover');
    }, TAKEOVER_OLDER_THAN_MS + 1000);
    takeoverAgain.unref();
  });
  const reminders = scheduleReminders(config.reminderCron, amends.reminders, log);
  const sweep = scheduleSweep('* * * * *', () => amends.sweep('minute'), log);
  const tickers: Ticker[] = [
    reminders,
    sweep,
    scheduleHousekeeping(() => amends.housekeeping(), log),
  ];
  return {
    amends,
    port,
    caughtUp,
    tickers: { reminders, sweep },
    async stop() {
      clearTimeout(again);
      clearTimeout(takeoverAgain);
      const started = performance.now();
      const inFlight = gate.active;
      const draining = amends.drain(DRAIN_MS);
      // A reminder tick in progress finishes its posts (stop() waits for it); no new tick starts.
      await Promise.all(tickers.map((t) => t.stop()));
      const { left } = await draining;
      const unposted = await amends.cases.unposted().then(
        (l) => l.length,
        () => null, // not known: the database failed; the next start posts them anyway
      );
      log.info('drained', {
        requestsInProgress: inFlight,
        finished: inFlight - left,
        abandoned: left,
        refused: gate.refused.stopping,
        casesLeftToPost: unposted,
        ms: Math.round(performance.now() - started),
      });
      await amends.stop();
    },
  };
}
