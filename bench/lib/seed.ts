import { DEFAULT_PLAYBOOK, type Severity, stepDef } from '../../src/domain/playbook.js';
import { completeStep, openCase } from '../../src/domain/recoveryCase.js';
import { type Db, openDatabase } from '../../src/store/db.js';
import { sqliteStore } from '../../src/store/index.js';
import { channelId, pick, prng, TEAM, USER_COUNT, userId } from './common.js';

const CLIENTS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell'];
const WHAT = [
  'late delivery of the spring order',
  'wrong pallets shipped to Turin',
  'invoice sent twice',
  'support ticket left unanswered for a week',
  'missed the go-live date',
];
const SEVERITIES: readonly Severity[] = ['minor', 'major', 'major', 'critical'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/*
 * The bench seeds SQLite databases on a connection of its own (`db`, from openDatabase): through
 * the store's ports where the app's own writes matter (profiles, cases as the app opens them), with
 * SQLite's SQL straight on that connection where only speed does (a million steps, 10^5 events).
 * The ports run on a store over the same connection, which the caller closes (not the store).
 */

/**
 * Cached Slack profiles for every bench user, fresh at `now`: no users.info on the hot path. All in
 * one time zone, `tz` (UTC unless told).
 */
export async function seedProfiles(db: Db, now: Date, tz = 'UTC'): Promise<void> {
  await sqliteStore(db, DEFAULT_PLAYBOOK).uow.run(async (tx) => {
    for (let i = 0; i < USER_COUNT; i++)
      await tx.profiles.put(TEAM, userId(i), { tz, locale: 'en-US', name: `user${i}` }, now);
  });
}

export interface ClickTarget {
  readonly caseId: number;
  readonly channel: string;
  readonly ts: string;
  readonly version: number;
}

/**
 * Open cases created through the domain and the repository, as the app stores them: each one
 * opened within the last 30 minutes (so nothing is due while the load runs), a third with own_up
 * already done, every one posted (message_ts set). One unit of work, then one UPDATE.
 */
export async function seedOpenCases(
  db: Db,
  n: number,
  o: { seed: number; channels: number; now: Date },
): Promise<{ cases: number; steps: number; ms: number }> {
  const t0 = performance.now();
  const rand = prng(o.seed);
  const nowMs = o.now.getTime();
  let steps = 0;
  await sqliteStore(db, DEFAULT_PLAYBOOK).uow.run(async (tx) => {
    for (let i = 0; i < n; i++) {
      const created = new Date(nowMs - Math.floor(rand() * 30 * MINUTE));
      const owner = userId(Math.floor(rand() * USER_COUNT));
      const creator = rand() < 0.7 ? owner : userId(Math.floor(rand() * USER_COUNT));
      let changed = openCase(
        {
          teamId: TEAM,
          channelId: channelId(i % o.channels),
          client: `${pick(rand, CLIENTS)} ${i}`,
          summary: pick(rand, WHAT),
          severity: pick(rand, SEVERITIES),
          ownerId: owner,
          creatorId: creator,
          lang: 'en',
          tz: 'UTC',
        },
        DEFAULT_PLAYBOOK,
        created,
      );
      if (rand() < 1 / 3) {
        const done = completeStep(
          changed.case,
          'own_up',
          owner,
          null,
          DEFAULT_PLAYBOOK,
          new Date(created.getTime() + MINUTE),
        );
        changed = { ...done, event: changed.event };
      }
      const ts = `${Math.floor(created.getTime() / 1000)}.${String(i % 1_000_000).padStart(6, '0')}`;
      await tx.cases.insert({ ...changed, case: { ...changed.case, messageTs: ts } }, created);
      steps += changed.case.steps.length;
    }
  });
  // As the app leaves them: first reply posted, parent drawn now.
  db.prepare(
    'UPDATE cases SET first_reply_ts = message_ts, rendered_at = ?, rendered_version = version',
  ).run(nowMs);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { cases: n, steps, ms: performance.now() - t0 };
}

/** Open cases whose own_up step is pending: a click on its "Done" button changes state. */
export function clickTargets(db: Db, limit: number): ClickTarget[] {
  return (
    db
      .prepare(
        `SELECT c.id AS caseId, c.channel_id AS channel, c.message_ts AS ts, s.version AS version
         FROM cases c JOIN steps s ON s.case_id = c.id AND s.key = 'own_up'
         WHERE c.team_id = ? AND c.status = 'open' AND s.status = 'pending' AND c.message_ts IS NOT NULL
         ORDER BY c.id LIMIT ?`,
      )
      .all(TEAM, limit) as ClickTarget[]
  ).map((t) => ({ ...t }));
}

export interface StepSeed {
  /** Stored cases; every case has one row per playbook step (9 with the default playbook). */
  readonly cases: number;
  readonly channels: number;
  /** How many cases have exactly one step due at `now`; every other open step is due later. */
  readonly due: number;
  readonly now: Date;
  readonly seed: number;
  /** Give every case a posted parent message (the reminder engine posts into its thread). */
  readonly posted: boolean;
  /** One earlier reminder per case already sent, so the outbox is not empty. */
  readonly history: boolean;
  /**
   * Every case as a running bot leaves it: first reply posted, parent drawn at `now` (a bot started
   * on the database has nothing to catch up). Needs `posted`.
   */
  readonly shown?: boolean;
}

export interface StepSeedResult {
  readonly cases: number;
  readonly steps: number;
  /** Steps with a next_check_at (what the partial index holds). */
  readonly indexed: number;
  readonly due: number;
  readonly dueCaseIds: number[];
  readonly ms: number;
}

/**
 * Writes cases and steps straight through prepared INSERTs in one transaction (a million steps in
 * seconds). Each case is in a plausible state for the default playbook: the six steps that start
 * at opening are pending (a few done already, the meeting-bound ones without a due time), the rest
 * waiting. `due` cases, chosen at random, have their own_up step due 1 to 60 minutes ago.
 */
export function seedSteps(db: Db, o: StepSeed): StepSeedResult {
  const t0 = performance.now();
  const rand = prng(o.seed);
  const now = o.now.getTime();
  const dueSet = new Set<number>();
  while (dueSet.size < Math.min(o.due, o.cases)) dueSet.add(Math.floor(rand() * o.cases));
  const insCase = db.prepare(
    `INSERT INTO cases (team_id, channel_id, message_ts, client, summary, severity, owner_id, creator_id,
       status, lang, tz, created_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', 'en', 'UTC', ?, 1)`,
  );
  const insStep = db.prepare(
    `INSERT INTO steps (case_id, team_id, key, position, optional, status, started_at, due_at, done_at,
       done_by, next_remind_at, remind_count, version, next_check_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  );
  const insEvent = db.prepare(
    `INSERT INTO events (team_id, case_id, at, actor, type) VALUES (?, ?, ?, ?, 'case_opened')`,
  );
  const insSent = db.prepare(
    `INSERT INTO reminders (team_id, case_id, step_key, kind, occurrence, created_at, not_before,
       status, attempts, sent_at, message_ts)
     VALUES (?, ?, 'outline', 'nudge', 1, ?, ?, 'sent', 1, ?, ?)`,
  );
  const pb = DEFAULT_PLAYBOOK;
  let steps = 0;
  let indexed = 0;
  const dueCaseIds: number[] = [];
  db.transaction(() => {
    for (let i = 0; i < o.cases; i++) {
      const isDue = dueSet.has(i);
      const severity: Severity = isDue ? 'major' : pick(rand, SEVERITIES);
      const created = now - Math.floor(rand() * 3 * DAY);
      const owner = userId(Math.floor(rand() * USER_COUNT));
      const channel = channelId(i % o.channels);
      const ts = o.posted
        ? `${Math.floor(created / 1000)}.${String(i % 1_000_000).padStart(6, '0')}`
        : null;
      const id = Number(
        insCase.run(
          TEAM,
          channel,
          ts,
          `${pick(rand, CLIENTS)} ${i}`,
          pick(rand, WHAT),
          severity,
          owner,
          owner,
          created,
        ).lastInsertRowid,
      );
      if (isDue) dueCaseIds.push(id);
      insEvent.run(TEAM, id, created, owner);
      for (const [position, def] of pb.steps.entries()) {
        const d = stepDef(pb, def.key);
        let status: 'waiting' | 'pending' | 'done' =
          def.starts === 'opened' ? 'pending' : 'waiting';
        let due: number | null = null;
        let doneAt: number | null = null;
        if (status === 'pending') {
          if (isDue) {
            // own_up due a little while ago; the other steps well ahead (nothing else due).
            due =
              def.key === 'own_up'
                ? now - (1 + Math.floor(rand() * 59)) * MINUTE
                : now + (2 + Math.floor(rand() * 10)) * DAY;
          } else if (rand() < 0.25) {
            status = 'done';
            doneAt = created + Math.floor(rand() * HOUR);
          } else {
            due = now + HOUR + Math.floor(rand() * 10 * DAY);
          }
          if (d?.due[severity] === 'meeting' && !(isDue && def.key === 'own_up')) due = null;
        }
        const check = status === 'pending' ? due : null;
        if (check !== null) indexed++;
        insStep.run(
          id,
          TEAM,
          def.key,
          position,
          def.optional ? 1 : 0,
          status,
          status === 'waiting' ? null : created,
          due,
          doneAt,
          doneAt === null ? null : owner,
          check,
          status === 'done' ? 2 : 1,
          check,
        );
        steps++;
      }
      if (o.history) insSent.run(TEAM, id, created, created, created, ts);
    }
    if (o.shown && o.posted)
      db.prepare(
        'UPDATE cases SET first_reply_ts = message_ts, rendered_at = ?, rendered_version = version',
      ).run(now);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  return {
    cases: o.cases,
    steps,
    indexed,
    due: dueCaseIds.length,
    dueCaseIds,
    ms: performance.now() - t0,
  };
}

/**
 * A database at `path` with the bench's users and `cases` open cases (seeded PRNG), as the probe
 * and the start-up bench use it; returns up to `clicks` click targets.
 */
export async function seedDatabase(
  path: string,
  cases: number,
  clicks = 0,
): Promise<ClickTarget[]> {
  const db = openDatabase(path);
  try {
    const now = new Date();
    await seedProfiles(db, now);
    await seedOpenCases(db, cases, { seed: 1, channels: 50, now });
    return clicks > 0 ? clickTargets(db, clicks) : [];
  } finally {
    db.close();
  }
}

export interface HistorySeed {
  readonly teamId: string;
  /** Events to write in all; spread over cases of `perCase` events each (the last may have fewer). */
  readonly events: number;
  readonly perCase: number;
  readonly channels: readonly string[];
  readonly users: readonly string[];
  /** The first case opens here; the others follow a minute apart (their events in between). */
  readonly from: Date;
  readonly seed: number;
}

/**
 * Closed and open cases with long timelines, written straight through prepared INSERTs in one
 * transaction (10^5 events in about a second): what `/incident export` reads. Each case opens with
 * `case_opened`, then steps done (some with a note in Greek or Catalan, some with commas and
 * quotes), snoozes and skips; a third end with `case_closed`. Steps are not written: the export
 * does not read them.
 */
export function seedHistory(db: Db, o: HistorySeed): { cases: number; events: number; ms: number } {
  const t0 = performance.now();
  const rand = prng(o.seed);
  const insCase = db.prepare(
    `INSERT INTO cases (team_id, channel_id, message_ts, client, summary, severity, owner_id, creator_id,
       status, lang, tz, created_at, closed_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', 'UTC', ?, ?, 1)`,
  );
  const insEvent = db.prepare(
    'INSERT INTO events (team_id, case_id, at, actor, type, step_key, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const keys = DEFAULT_PLAYBOOK.steps.map((s) => s.key);
  const notes = [
    'Ζητήσαμε συγγνώμη στο τηλέφωνο.',
    'Hem enviat un abonament, col·laboració "urgent"',
    'Called them, left a note: "we will fix it, sorry"',
    'two\nlines',
  ];
  let events = 0;
  let cases = 0;
  db.transaction(() => {
    while (events < o.events) {
      const i = cases++;
      const opened = o.from.getTime() + i * MINUTE;
      const owner = pick(rand, o.users);
      const n = Math.min(o.perCase, o.events - events);
      const closed = rand() < 1 / 3 && n > 1;
      const severity = pick(rand, SEVERITIES);
      const id = Number(
        insCase.run(
          o.teamId,
          o.channels[i % o.channels.length] as string,
          `${Math.floor(opened / 1000)}.${String(i % 1_000_000).padStart(6, '0')}`,
          `${pick(rand, CLIENTS)} ${i}`,
          pick(rand, WHAT),
          severity,
          owner,
          owner,
          closed ? 'won_back' : 'open',
          opened,
          closed ? opened + n * 1000 : null,
        ).lastInsertRowid,
      );
      for (let k = 0; k < n; k++) {
        const at = opened + k * 1000;
        const actor = k === 0 ? owner : pick(rand, o.users);
        const step = pick(rand, keys);
        const r = rand();
        const [type, stepKey, data]: [string, string | null, unknown] =
          k === 0
            ? ['case_opened', null, { severity, owner }]
            : closed && k === n - 1
              ? ['case_closed', null, { outcome: 'won_back' }]
              : r < 0.5
                ? ['step_done', step, r < 0.2 ? { note: pick(rand, notes) } : null]
                : r < 0.75
                  ? ['step_snoozed', step, { until: new Date(at + DAY).toISOString() }]
                  : ['step_skipped', step, { reason: pick(rand, notes) }];
        insEvent.run(
          o.teamId,
          id,
          at,
          actor,
          type,
          stepKey,
          data === null ? null : JSON.stringify(data),
        );
        events++;
      }
    }
    // As the app leaves them: first reply posted, parent drawn (nothing for a start-up to redo).
    db.prepare(
      'UPDATE cases SET first_reply_ts = message_ts, rendered_at = created_at, rendered_version = version WHERE team_id = ?',
    ).run(o.teamId);
  })();
  return { cases, events, ms: performance.now() - t0 };
}
