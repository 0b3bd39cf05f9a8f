import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Transactor } from '../services/ports.js';

export type Db = Database.Database;

/**
 * The transaction port on this database: BEGIN IMMEDIATE (the write lock first, so a
 * read-then-write never fails halfway with SQLITE_BUSY); nested, better-sqlite3 makes it a savepoint.
 */
export function transactor(db: Db): Transactor {
  return { run: (fn) => db.transaction(fn).immediate() };
}

/**
 * Runs one write without an fsync (synchronous=NORMAL), for records of what Slack already shows
 * (a message's ts, a lease): in WAL mode a process crash keeps them; a power cut may lose the last
 * ones, and then Amends finds the messages again by their metadata before posting anything. Inside
 * a caller's transaction it is simply part of that transaction.
 */
export function lightly<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  const s = syncStatements(db);
  const mode = s.read.get() as number;
  if (mode <= 1) return fn(); // already NORMAL (or OFF)
  s.set(1).run();
  try {
    return fn();
  } finally {
    s.set(mode).run();
  }
}

/** `lightly()` runs on most Slack answers: its PRAGMA statements are prepared once per connection. */
const pragmaCache = new WeakMap<
  Db,
  { read: Database.Statement; set: (mode: number) => Database.Statement }
>();
function syncStatements(db: Db) {
  let s = pragmaCache.get(db);
  if (!s) {
    const sets = new Map<number, Database.Statement>();
    s = {
      read: db.prepare('PRAGMA synchronous').pluck(),
      set: (mode) => {
        const known = sets.get(mode);
        if (known) return known;
        const st = db.prepare(`PRAGMA synchronous = ${Math.trunc(mode)}`);
        sets.set(mode, st);
        return st;
      },
    };
    pragmaCache.set(db, s);
  }
  return s;
}

/**
 * Versioned migrations, applied in order at start-up inside one transaction each.
 * Append only: never edit a migration that has shipped. Instants are INTEGER milliseconds (UTC).
 */
const MIGRATIONS: readonly string[] = [
  // 1: cases, their steps, and the append-only audit trail
  `
  CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    team_id          TEXT NOT NULL,
    channel_id       TEXT NOT NULL,
    message_ts       TEXT,
    client           TEXT NOT NULL,
    summary          TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('minor','major','critical')),
    owner_id         TEXT NOT NULL,
    creator_id       TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open','won_back','lost','closed')),
    answer           TEXT CHECK (answer IN ('accepted','refused')),
    answered_at      INTEGER,
    outcome_reason   TEXT,
    meeting_at       INTEGER,
    outline          TEXT,
    lang             TEXT NOT NULL,
    tz               TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    closed_at        INTEGER,
    delivery_problem TEXT,
    version          INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX cases_by_channel ON cases (team_id, channel_id, status);
  CREATE INDEX cases_by_owner ON cases (team_id, owner_id, status);

  CREATE TABLE steps (
    case_id        INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    team_id        TEXT NOT NULL,
    key            TEXT NOT NULL,
    position       INTEGER NOT NULL,
    optional       INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('waiting','pending','snoozed','done','skipped')),
    started_at     INTEGER,
    due_at         INTEGER,
    done_at        INTEGER,
    done_by        TEXT,
    note           TEXT,
    snoozed_until  INTEGER,
    next_remind_at INTEGER,
    remind_count   INTEGER NOT NULL DEFAULT 0,
    escalated_at   INTEGER,
    version        INTEGER NOT NULL,
    next_check_at  INTEGER,
    PRIMARY KEY (case_id, key)
  ) STRICT;
  -- the reminder tick reads only steps that need attention: its cost follows the due count
  CREATE INDEX steps_needing_attention ON steps (next_check_at) WHERE next_check_at IS NOT NULL;

  CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    team_id  TEXT NOT NULL,
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    type     TEXT NOT NULL,
    step_key TEXT,
    data     TEXT
  ) STRICT;
  CREATE INDEX events_by_case ON events (team_id, case_id, id);

  -- idempotency keys of requests already handled (slash command trigger_id, modal view id)
  CREATE TABLE handled_requests (
    team_id TEXT NOT NULL,
    key     TEXT NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (team_id, key)
  ) STRICT;
  `,
  // 2: the reminder outbox, workspaces (paused on revoked tokens) and cached user profiles
  `
  CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    team_id     TEXT NOT NULL,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step_key    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    occurrence  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    not_before  INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending','claimed','sent','failed','cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_at  INTEGER,
    sent_at     INTEGER,
    message_ts  TEXT,
    error       TEXT,
    UNIQUE (case_id, step_key, kind, occurrence)
  ) STRICT;
  CREATE INDEX reminders_ready ON reminders (status, not_before);

  CREATE TABLE workspaces (
    team_id       TEXT PRIMARY KEY,
    paused_reason TEXT,
    paused_at     INTEGER
  ) STRICT;

  CREATE TABLE user_profiles (
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    tz         TEXT,
    locale     TEXT,
    name       TEXT,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
  ) STRICT;
  `,
  // 3: cases stored but never shown in Slack are found at start-up without a scan
  `
  CREATE INDEX cases_unposted ON cases (id) WHERE message_ts IS NULL AND status = 'open';
  `,
  // 4: thread lines as an outbox: written in the transaction of the change they tell of
  `
  CREATE TABLE thread_lines (
    id         INTEGER PRIMARY KEY,
    team_id    TEXT NOT NULL,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending','sent')),
    ts         TEXT
  ) STRICT;
  CREATE INDEX thread_lines_pending ON thread_lines (case_id, id) WHERE status = 'pending';
  `,
  // 5: the calm policy (a case's daily budget, and whether it went quiet), and reminders that wait
  // for the working hours of the person they ping
  `
  ALTER TABLE cases ADD COLUMN last_action_at INTEGER;
  ALTER TABLE cases ADD COLUMN posted_on TEXT;
  ALTER TABLE cases ADD COLUMN posts_that_day INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE cases ADD COLUMN last_post_at INTEGER;
  ALTER TABLE cases ADD COLUMN quiet_until INTEGER;
  ALTER TABLE cases ADD COLUMN stalled_at INTEGER;
  ALTER TABLE cases ADD COLUMN stalls INTEGER NOT NULL DEFAULT 0;
  UPDATE cases SET last_action_at =
    COALESCE((SELECT MAX(at) FROM events e WHERE e.case_id = cases.id), created_at);
  ALTER TABLE reminders ADD COLUMN hours_tz TEXT;
  `,
  // 6: the language a person chose (/incident language, App Home), over their Slack locale
  `
  ALTER TABLE user_profiles ADD COLUMN lang TEXT;
  `,
  // 7: a case asked for in a channel shared with the client is posted elsewhere; that channel is kept
  `
  ALTER TABLE cases ADD COLUMN client_channel_id TEXT;
  `,
  // 8: the corrective changes promised to the client (a small list per case, kept as JSON)
  `
  ALTER TABLE cases ADD COLUMN changes TEXT;
  `,
  // 9: the morning digest: the day whose digest lists a case (that day's nudges carry no mention)
  `
  ALTER TABLE cases ADD COLUMN digest_on TEXT;
  `,
  // 10: a posted case's first reply (null: not yet; the sweep posts it), and when its parent was
  // last drawn (a step coming due or a snooze ending after that makes it stale: the sweep redraws)
  `
  ALTER TABLE cases ADD COLUMN first_reply_ts TEXT;
  ALTER TABLE cases ADD COLUMN rendered_at INTEGER;
  UPDATE cases SET first_reply_ts = 'before-migration-10' WHERE message_ts IS NOT NULL;
  UPDATE cases SET rendered_at =
    COALESCE((SELECT MAX(at) FROM events e WHERE e.case_id = cases.id), created_at);
  `,
  // 11: the optional second meeting (to show the client the fix working)
  `
  ALTER TABLE cases ADD COLUMN fix_meeting_at INTEGER;
  `,
  // 12: per-channel pacing shared by every process on the database (Slack: ~1 message/s/channel)
  `
  CREATE TABLE channel_pace (
    team_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    next_at    INTEGER NOT NULL,
    PRIMARY KEY (team_id, channel_id)
  ) STRICT;
  `,
  // 13: the minute sweep finds what to bring up to date through indexes, never a scan of every case
  `
  CREATE INDEX steps_pending_due ON steps (due_at) WHERE status = 'pending' AND due_at IS NOT NULL;
  CREATE INDEX steps_snooze_end ON steps (snoozed_until) WHERE status = 'snoozed';
  CREATE INDEX cases_first_reply_missing ON cases (id)
    WHERE message_ts IS NOT NULL AND first_reply_ts IS NULL AND status = 'open';
  `,
  // 14: two processes on one database: a lease per case while one writes it into Slack; and the
  // version a parent was drawn from, so a redraw that failed or was skipped is found and redone
  `
  CREATE TABLE leases (
    key    TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  INTEGER NOT NULL
  ) STRICT;
  ALTER TABLE cases ADD COLUMN rendered_version INTEGER NOT NULL DEFAULT 0;
  UPDATE cases SET rendered_version = version;
  CREATE INDEX cases_parent_behind ON cases (id)
    WHERE message_ts IS NOT NULL AND rendered_version < version;
  `,
  // 15: every /incident asks for the cases waiting in its channel (Slack refused them): through a
  // partial index of those few, not a walk over the channel's open cases
  `
  CREATE INDEX cases_waiting ON cases (team_id, channel_id, id)
    WHERE message_ts IS NULL AND status = 'open' AND delivery_problem IS NOT NULL;
  `,
  // 16: the export reads a team's cases in pages, in opening order, each page starting where the
  // last one stopped: without this index every page would sort all of the team's cases again
  `
  CREATE INDEX cases_by_opening ON cases (team_id, created_at);
  `,
  // 17: which process holds a reminder's claim, and each process's heartbeat: a restart takes over
  // what a dead process left (its heartbeat ran out) within seconds, on any host
  `
  ALTER TABLE reminders ADD COLUMN claimed_by TEXT;
  CREATE TABLE processes (
    holder      TEXT PRIMARY KEY,
    alive_until INTEGER NOT NULL
  ) STRICT;
  `,
  // 18: a case opened from a message (the message shortcut) keeps that message's permalink
  `
  ALTER TABLE cases ADD COLUMN source_link TEXT;
  `,
  // 19: a follow-up cadence's record (JSON: follow-ups recorded, dates missed, dates added), so a
  // date nobody followed up on stays visible
  `
  ALTER TABLE steps ADD COLUMN cadence TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating the folder if needed), sets the pragmas every connection needs, and migrates. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // busy_timeout first: switching to WAL takes a lock another process may briefly hold.
    db.pragma('busy_timeout = 5000');
    pragmaWhenFree(db, 'journal_mode = WAL');
    // FULL: a reminder recorded as sent must survive a power cut, or it could be posted twice.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Up to 64 MiB of pages kept per connection (SQLite's default is 2 MiB): with 10^5 cases the
    // indexes a command writes no longer fit in 2 MiB, and each miss is a read from the OS.
    db.pragma('cache_size = -65536');
    migrate(db);
  } catch (e) {
    db.close(); // e.g. a newer schema: don't leave the file open behind the error
    throw e;
  }
  return db;
}

export function migrate(db: Db): void {
  const newer = (v: number) =>
    new Error(
      `database schema version ${v} is newer than this build (${MIGRATIONS.length}); upgrade Amends`,
    );
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const seen = version();
  if (seen > MIGRATIONS.length) throw newer(seen);
  if (seen === MIGRATIONS.length) return;
  // Under the write lock (BEGIN IMMEDIATE waits for it, up to busy_timeout), the version is read
  // again: processes starting together on one database migrate once, and the others find it done.
  db.transaction(() => {
    const current = version();
    if (current > MIGRATIONS.length) throw newer(current);
    for (let v = current; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

/**
 * A pragma that needs a lock another process may hold for a moment (switching to WAL while a
 * second process opens the same new file): SQLite answers SQLITE_BUSY at once there, without its
 * busy handler, so it is tried again for up to `ms`.
 */
function pragmaWhenFree(db: Db, pragma: string, ms = 5000): void {
  const until = Date.now() + ms;
  for (;;) {
    try {
      db.pragma(pragma);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
