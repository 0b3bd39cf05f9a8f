/**
 * The reminder path, in its own process (forked by bench/run.ts):
 *  1. tick cost at several stored-step counts with the same number due, the query plan of the
 *     "needs attention" query, and
 *  2. paced delivery of many due reminders over many channels to the local fake Web API (run by
 *     bench/run.ts in its own process; it reads the post times from there).
 * Sends one {type:'result'} over IPC, then exits.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { composeAmends } from '../src/compose.js';
import { configWith } from '../src/config.js';
import { ManualClock } from '../src/domain/clock.js';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import { loggerFromLog } from '../src/log.js';
import type { ReminderChannel } from '../src/services/ports.js';
import { ProfileService } from '../src/services/profiles.js';
import { type Pacer, ReminderService } from '../src/services/reminders.js';
import { WorkspaceService } from '../src/services/workspaces.js';
import { type Db, openDatabase } from '../src/store/db.js';
import { type Store, sqliteStore } from '../src/store/index.js';
import {
  BOT_ID,
  BOT_TOKEN,
  BOT_USER,
  type ChildFailed,
  median,
  peakRssBytes,
  reportFailure,
  rssSampler,
  SECRET,
  WORKING_INSTANT,
} from './lib/common.js';
import { seedProfiles, seedSteps } from './lib/seed.js';

export interface ReminderArgs {
  readonly dir: string;
  readonly sizes: readonly number[];
  readonly due: number;
  readonly runs: number;
  readonly seed: number;
  readonly delivery: { reminders: number; channels: number; latencyMs: number };
  /** The fake Web API (its own process, so its clock stamps arrivals, not this event loop's). */
  readonly slackApiUrl: string;
}

export interface TickFigure {
  readonly targetSteps: number;
  readonly steps: number;
  readonly cases: number;
  readonly indexed: number;
  readonly due: number;
  readonly seedMs: number;
  readonly dbBytes: number;
  /** Median of `runs` ticks: plan the due cases, claim, deliver to a channel that does nothing. */
  readonly tickMs: number;
  readonly tickRunsMs: number[];
  /** Median time of the "cases needing attention" query alone. */
  readonly queryMs: number;
  readonly planned: number;
  readonly sent: number;
  readonly queryPlan: string[];
}

/** What the reminder process measured of the delivery; the post times come from the fake Web API. */
export interface DeliveryRun {
  readonly reminders: number;
  readonly channels: number;
  readonly latencyMs: number;
  readonly sent: number;
  readonly ticks: number;
  readonly totalMs: number;
  /** Date.now() when the first tick started (the fake stamps calls with Date.now()). */
  readonly startedAt: number;
  readonly errors: Record<string, number>;
}

export type FromReminders =
  | { type: 'result'; ok: true; ticks: TickFigure[]; delivery: DeliveryRun; peakRss: number }
  | ChildFailed;

const args = JSON.parse(process.argv[2] ?? '{}') as ReminderArgs;
const sampler = rssSampler(50);
const NOW = new Date(WORKING_INSTANT);
const ATTENTION = `SELECT DISTINCT team_id, case_id FROM steps WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`;

/** Posts nothing: the tick's own cost (query, planning, outbox writes, claims) is what is timed. */
const nullChannel: ReminderChannel = {
  deliver: async (r) => `${Math.floor(WORKING_INSTANT / 1000)}.${String(r.id).padStart(6, '0')}`,
  findDelivered: async () => null,
  deliveredIn: async () => new Map(),
  refreshCase: async () => {},
};
const noWait: Pacer = { now: () => 0, sleep: async () => {} };

function service(store: Store): ReminderService {
  const profiles = new ProfileService({
    repo: store.repos.profiles,
    directory: { lookup: async () => ({ tz: 'UTC', locale: 'en-US', name: null }) },
    defaultTz: 'UTC',
    defaultLang: 'en',
    ttlMs: 12 * 60 * 60_000,
  });
  return new ReminderService({
    uow: store.uow,
    cases: store.repos.cases,
    reminders: store.repos.reminders,
    workspaces: new WorkspaceService(store.repos.workspaces),
    profiles,
    playbook: DEFAULT_PLAYBOOK,
    channel: nullChannel,
    clock: new ManualClock(NOW),
    pacer: noWait,
  });
}

const fileBytes = (db: Db): number => {
  const r = db.pragma('page_count', { simple: true }) as number;
  return r * (db.pragma('page_size', { simple: true }) as number);
};

async function tickFigure(targetSteps: number, index: number): Promise<TickFigure> {
  const path = join(args.dir, `tick-${targetSteps}.db`);
  // The bench's own connection, for what no port does: seeding a million steps, the query plan,
  // and putting the due steps back between runs (SQLite's SQL, on SQLite only).
  const admin = openDatabase(path);
  try {
    await seedProfiles(admin, NOW);
    const seeded = seedSteps(admin, {
      cases: Math.round(targetSteps / DEFAULT_PLAYBOOK.steps.length),
      channels: 50,
      due: args.due,
      now: NOW,
      seed: args.seed + index,
      posted: true,
      history: true,
    });
    const queryPlan = (
      admin.prepare(`EXPLAIN QUERY PLAN ${ATTENTION}`).all(NOW.getTime(), 500) as {
        detail: string;
      }[]
    ).map((r) => r.detail);
    // Every timed tick starts from the seeded state: the due steps and an outbox without their reminders.
    admin
      .prepare(
        `CREATE TEMP TABLE snap AS SELECT * FROM steps WHERE case_id IN (${seeded.dueCaseIds.join(',') || '0'})`,
      )
      .run();
    const maxReminder =
      (admin.prepare('SELECT MAX(id) AS m FROM reminders').get() as { m: number | null }).m ?? 0;
    const reset = admin.transaction(() => {
      admin.exec('DELETE FROM steps WHERE case_id IN (SELECT case_id FROM temp.snap)');
      admin.exec('INSERT INTO steps SELECT * FROM temp.snap');
      admin.prepare('DELETE FROM reminders WHERE id > ?').run(maxReminder);
    });

    // Each measurement opens a fresh connection: SQLite's page cache starts cold, as it would be
    // for a tick a minute after the last one (the OS cache stays warm).
    const queryRuns: number[] = [];
    for (let i = 0; i < args.runs; i++) {
      const store = sqliteStore(openDatabase(path), DEFAULT_PLAYBOOK);
      const t0 = performance.now();
      const found = await store.repos.reminders.casesNeedingAttention(NOW, 500);
      queryRuns.push(performance.now() - t0);
      await store.close();
      if (found.length !== seeded.due) throw new Error(`query found ${found.length} cases`);
    }
    const tickRuns: number[] = [];
    let planned = 0;
    let sent = 0;
    // The first runs warm the JIT up and are not timed.
    const warmUp = 3;
    for (let i = -warmUp; i < args.runs; i++) {
      reset();
      admin.pragma('wal_checkpoint(TRUNCATE)');
      const store = sqliteStore(openDatabase(path), DEFAULT_PLAYBOOK);
      const svc = service(store);
      const t0 = performance.now();
      const r = await svc.tick();
      if (i >= 0) tickRuns.push(performance.now() - t0);
      planned = r.planned;
      sent = r.sent;
      await store.close();
    }
    return {
      targetSteps,
      steps: seeded.steps,
      cases: seeded.cases,
      indexed: seeded.indexed,
      due: seeded.due,
      seedMs: seeded.ms,
      dbBytes: fileBytes(admin),
      tickMs: median(tickRuns),
      tickRunsMs: tickRuns,
      queryMs: median(queryRuns),
      planned,
      sent,
      queryPlan,
    };
  } finally {
    admin.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  }
}

async function delivery(): Promise<DeliveryRun> {
  const { reminders, channels, latencyMs } = args.delivery;
  const path = join(args.dir, 'delivery.db');
  const seedDb = openDatabase(path);
  await seedProfiles(seedDb, NOW);
  seedSteps(seedDb, {
    cases: reminders,
    channels,
    due: reminders,
    now: NOW,
    seed: args.seed + 100,
    posted: true,
    history: false,
  });
  seedDb.close();

  // Time flows from a weekday morning, so nothing is held back for working hours.
  const start = performance.now();
  const clock = { now: () => new Date(WORKING_INSTANT + (performance.now() - start)) };
  const errors: Record<string, number> = {};
  const config = configWith({
    mode: 'http',
    botToken: BOT_TOKEN,
    signingSecret: SECRET,
    databasePath: path,
    slackApiUrl: args.slackApiUrl,
    logLevel: 'error',
  });
  const amends = await composeAmends({
    config,
    clock,
    logger: loggerFromLog((msg) => {
      errors[msg] = (errors[msg] ?? 0) + 1;
    }, 'warn'),
    botUserId: BOT_USER,
    botId: BOT_ID,
  });
  const outbox = amends.reminderRepo;
  try {
    const startedAt = Date.now();
    const t0 = performance.now();
    // One scheduler tick, as node-cron fires it; more only if the first one left work behind.
    let ticks = 0;
    do {
      await amends.reminders.tick();
      ticks++;
    } while (((await outbox.countsByStatus()).pending ?? 0) > 0 && ticks < 20);
    return {
      reminders,
      channels,
      latencyMs,
      sent: (await outbox.countsByStatus()).sent ?? 0,
      ticks,
      totalMs: performance.now() - t0,
      startedAt,
      errors,
    };
  } finally {
    await amends.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  }
}

try {
  const ticks: TickFigure[] = [];
  for (const [i, n] of args.sizes.entries()) ticks.push(await tickFigure(n, i));
  const deliveryRun = await delivery();
  process.send?.({
    type: 'result',
    ok: true,
    ticks,
    delivery: deliveryRun,
    peakRss: peakRssBytes(sampler.max()),
  } satisfies FromReminders);
} catch (e) {
  reportFailure(e);
} finally {
  sampler.stop();
  process.disconnect?.();
}
