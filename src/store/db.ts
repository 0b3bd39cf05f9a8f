import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';

export type Db = Database.Database;

/**
 * SQLite's migrations 1 to 19, from before the store spoke PostgreSQL: SQLite files made by earlier
 * builds are at one of these versions (PRAGMA user_version). Never edit them; a new migration goes in
 * MIGRATIONS below, for both engines. Instants are INTEGER milliseconds (UTC).
 */
const SQLITE_HISTORY: readonly string[] = [
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

/**
 * PostgreSQL starts here: SQLite's schema at version 19 (the migrations above, all applied), in
 * PostgreSQL's words. Ids are identity columns (BIGINT, like SQLite's INTEGER PRIMARY KEY, which a
 * copy from SQLite may fill itself); instants in milliseconds are BIGINT, as is every id that points
 * to one. Counts and versions stay INTEGER. Written once: later changes go in MIGRATIONS.
 */
const POSTGRES_BASELINE = `
  CREATE TABLE cases (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    team_id           TEXT NOT NULL,
    channel_id        TEXT NOT NULL,
    message_ts        TEXT,
    client            TEXT NOT NULL,
    summary           TEXT NOT NULL,
    severity          TEXT NOT NULL CHECK (severity IN ('minor','major','critical')),
    owner_id          TEXT NOT NULL,
    creator_id        TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open','won_back','lost','closed')),
    answer            TEXT CHECK (answer IN ('accepted','refused')),
    answered_at       BIGINT,
    outcome_reason    TEXT,
    meeting_at        BIGINT,
    outline           TEXT,
    lang              TEXT NOT NULL,
    tz                TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    closed_at         BIGINT,
    delivery_problem  TEXT,
    version           INTEGER NOT NULL,
    last_action_at    BIGINT,
    posted_on         TEXT,
    posts_that_day    INTEGER NOT NULL DEFAULT 0,
    last_post_at      BIGINT,
    quiet_until       BIGINT,
    stalled_at        BIGINT,
    stalls            INTEGER NOT NULL DEFAULT 0,
    client_channel_id TEXT,
    changes           TEXT,
    digest_on         TEXT,
    first_reply_ts    TEXT,
    rendered_at       BIGINT,
    fix_meeting_at    BIGINT,
    rendered_version  INTEGER NOT NULL DEFAULT 0,
    source_link       TEXT
  );
  CREATE INDEX cases_by_channel ON cases (team_id, channel_id, status);
  CREATE INDEX cases_by_owner ON cases (team_id, owner_id, status);
  CREATE INDEX cases_unposted ON cases (id) WHERE message_ts IS NULL AND status = 'open';
  CREATE INDEX cases_first_reply_missing ON cases (id)
    WHERE message_ts IS NOT NULL AND first_reply_ts IS NULL AND status = 'open';
  CREATE INDEX cases_parent_behind ON cases (id)
    WHERE message_ts IS NOT NULL AND rendered_version < version;
  CREATE INDEX cases_waiting ON cases (team_id, channel_id, id)
    WHERE message_ts IS NULL AND status = 'open' AND delivery_problem IS NOT NULL;
  CREATE INDEX cases_by_opening ON cases (team_id, created_at);

  CREATE TABLE steps (
    case_id        BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    team_id        TEXT NOT NULL,
    key            TEXT NOT NULL,
    position       INTEGER NOT NULL,
    optional       INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('waiting','pending','snoozed','done','skipped')),
    started_at     BIGINT,
    due_at         BIGINT,
    done_at        BIGINT,
    done_by        TEXT,
    note           TEXT,
    snoozed_until  BIGINT,
    next_remind_at BIGINT,
    remind_count   INTEGER NOT NULL DEFAULT 0,
    escalated_at   BIGINT,
    version        INTEGER NOT NULL,
    next_check_at  BIGINT,
    cadence        TEXT,
    PRIMARY KEY (case_id, key)
  );
  CREATE INDEX steps_needing_attention ON steps (next_check_at) WHERE next_check_at IS NOT NULL;
  CREATE INDEX steps_pending_due ON steps (due_at) WHERE status = 'pending' AND due_at IS NOT NULL;
  CREATE INDEX steps_snooze_end ON steps (snoozed_until) WHERE status = 'snoozed';

  CREATE TABLE events (
    id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    team_id  TEXT NOT NULL,
    case_id  BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       BIGINT NOT NULL,
    actor    TEXT NOT NULL,
    type     TEXT NOT NULL,
    step_key TEXT,
    data     TEXT
  );
  CREATE INDEX events_by_case ON events (team_id, case_id, id);

  CREATE TABLE handled_requests (
    team_id TEXT NOT NULL,
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (team_id, key)
  );

  CREATE TABLE reminders (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    team_id     TEXT NOT NULL,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step_key    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    occurrence  INTEGER NOT NULL,
    created_at  BIGINT NOT NULL,
    not_before  BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending','claimed','sent','failed','cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_at  BIGINT,
    sent_at     BIGINT,
    message_ts  TEXT,
    error       TEXT,
    hours_tz    TEXT,
    claimed_by  TEXT,
    UNIQUE (case_id, step_key, kind, occurrence)
  );
  CREATE INDEX reminders_ready ON reminders (status, not_before);

  CREATE TABLE workspaces (
    team_id       TEXT PRIMARY KEY,
    paused_reason TEXT,
    paused_at     BIGINT
  );

  CREATE TABLE user_profiles (
    team_id    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    tz         TEXT,
    locale     TEXT,
    name       TEXT,
    fetched_at BIGINT NOT NULL,
    lang       TEXT,
    PRIMARY KEY (team_id, user_id)
  );

  CREATE TABLE thread_lines (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    team_id    TEXT NOT NULL,
    case_id    BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending','sent')),
    ts         TEXT
  );
  CREATE INDEX thread_lines_pending ON thread_lines (case_id, id) WHERE status = 'pending';

  CREATE TABLE channel_pace (
    team_id    TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    next_at    BIGINT NOT NULL,
    PRIMARY KEY (team_id, channel_id)
  );

  CREATE TABLE leases (
    key    TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  BIGINT NOT NULL
  );

  CREATE TABLE processes (
    holder      TEXT PRIMARY KEY,
    alive_until BIGINT NOT NULL
  );
`;

/** The version POSTGRES_BASELINE stands for. */
const BASELINE = SQLITE_HISTORY.length;

/** A migration in the SQL both engines speak, or in each engine's own words. */
type Migration = string | { readonly sqlite: string; readonly postgres: string };

/**
 * Migrations 20 on, for both engines, applied in order at start-up (all in one transaction on
 * PostgreSQL, one each on SQLite). Append only: never edit a migration that has shipped.
 */
const MIGRATIONS: readonly Migration[] = [
  // 20: the due steps are read in pages ordered by (next_check_at, case_id, key): the step's
  // primary key breaks ties (rowid is SQLite's own). The index of steps needing attention holds all
  // three, so a page starts where the last one stopped without sorting a tie.
  `
  DROP INDEX steps_needing_attention;
  CREATE INDEX steps_needing_attention ON steps (next_check_at, case_id, key)
    WHERE next_check_at IS NOT NULL;
  `,
  // 21: the cases waiting in a channel (Slack refused them) are read through their partial index
  // with no hint (INDEXED BY is SQLite's own): holding the status too, the planner picks it over
  // cases_by_channel, and every /incident stays one short read at 10^5 cases
  `
  DROP INDEX cases_waiting;
  CREATE INDEX cases_waiting ON cases (team_id, channel_id, status, id)
    WHERE message_ts IS NULL AND status = 'open' AND delivery_problem IS NOT NULL;
  `,
  // 22: what is known of a channel's sharing with other organisations, for every process: Slack's
  // last answer and when (shared NULL: it changed, ask Slack again). A channel_shared event reaches
  // one replica; the others read this row before they post there.
  {
    sqlite: `
  CREATE TABLE channel_sharing (
    channel_id TEXT PRIMARY KEY,
    shared     INTEGER CHECK (shared IN (0, 1)),
    at         INTEGER NOT NULL
  ) STRICT;
  `,
    postgres: `
  CREATE TABLE channel_sharing (
    channel_id TEXT PRIMARY KEY,
    shared     INTEGER CHECK (shared IN (0, 1)),
    at         BIGINT NOT NULL
  );
  `,
  },
  // 23: who opened App Home and when, for every process: a change handled by one replica redraws
  // the home of the people it concerns wherever they opened theirs.
  {
    sqlite: `
  CREATE TABLE home_viewers (
    team_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
  ) STRICT;
  `,
    postgres: `
  CREATE TABLE home_viewers (
    team_id   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
  );
  `,
  },
  // 24: where Amends is installed (OAuth): Slack's installation object, sealed (its tokens are
  // encrypted at rest), per workspace (scope 'T:<team>') or org ('E:<enterprise>'), as the latest
  // one (user_id '') and as its installer's.
  {
    sqlite: `
  CREATE TABLE installations (
    scope                 TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    enterprise_id         TEXT,
    team_id               TEXT,
    is_enterprise_install INTEGER NOT NULL CHECK (is_enterprise_install IN (0, 1)),
    sealed                TEXT NOT NULL,
    installed_at          INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    PRIMARY KEY (scope, user_id)
  ) STRICT;
  `,
    postgres: `
  CREATE TABLE installations (
    scope                 TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    enterprise_id         TEXT,
    team_id               TEXT,
    is_enterprise_install INTEGER NOT NULL CHECK (is_enterprise_install IN (0, 1)),
    sealed                TEXT NOT NULL,
    installed_at          BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (scope, user_id)
  );
  `,
  },
  // 25: the client as a record, per workspace and found by its name without case or accents
  // (key): who to write to, in which zone and language, and where meetings usually happen. A case
  // links to it (cases from before have none: they work as they did). Each meeting's place and
  // length, chosen when it is booked, ride on the case (JSON).
  {
    sqlite: `
  CREATE TABLE clients (
    id         INTEGER PRIMARY KEY,
    team_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    contact    TEXT,
    email      TEXT,
    tz         TEXT,
    lang       TEXT,
    place      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (team_id, key)
  ) STRICT;
  CREATE INDEX clients_recent ON clients (team_id, updated_at);
  ALTER TABLE cases ADD COLUMN client_id INTEGER REFERENCES clients (id);
  ALTER TABLE cases ADD COLUMN meetings TEXT;
  `,
    postgres: `
  CREATE TABLE clients (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    team_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    contact    TEXT,
    email      TEXT,
    tz         TEXT,
    lang       TEXT,
    place      TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (team_id, key)
  );
  CREATE INDEX clients_recent ON clients (team_id, updated_at);
  ALTER TABLE cases ADD COLUMN client_id BIGINT REFERENCES clients (id);
  ALTER TABLE cases ADD COLUMN meetings TEXT;
  `,
  },
  // 26: the outcomes count a decided case in the window of its decision, and the cases open now
  // whenever opened: both read through the time a case was closed (NULL while open), the open ones
  // counted from the index alone (it holds the channel and the client's answer). A channel's name
  // as Slack last gave it (conversations.info, asked before posting), so the export names channels
  // without asking Slack once per row.
  `
  CREATE INDEX cases_by_closing ON cases (team_id, closed_at, channel_id, answer);
  ALTER TABLE channel_sharing ADD COLUMN name TEXT;
  `,
  // 27: the last click on a case and what it changed, so its thread line can undo it for a few
  // minutes (JSON; null: nothing to undo)
  `
  ALTER TABLE cases ADD COLUMN undo TEXT;
  `,
  // 28: which org a workspace belongs to, as seen on its requests through an org-wide install
  // (Enterprise Grid): the reminders and sweeps of its cases find the org's installation by it.
  {
    sqlite: `
  CREATE TABLE org_workspaces (
    team_id       TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    seen_at       INTEGER NOT NULL
  ) STRICT;
  `,
    postgres: `
  CREATE TABLE org_workspaces (
    team_id       TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    seen_at       BIGINT NOT NULL
  );
  `,
  },
];

export const SCHEMA_VERSION = BASELINE + MIGRATIONS.length;

const sqliteText = (m: Migration) => (typeof m === 'string' ? m : m.sqlite);
const postgresText = (m: Migration) => (typeof m === 'string' ? m : m.postgres);

/** A database written by a newer build: this one refuses to start on it. */
const newer = (v: number) =>
  new Error(
    `database schema version ${v} is newer than this build (${SCHEMA_VERSION}); upgrade Amends`,
  );

/** Opens (creating the folder if needed), sets the pragmas every connection needs, and migrates. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // busy_timeout first: switching to WAL takes a lock another process may briefly hold.
    db.pragma('busy_timeout = 5000');
    pragmaWhenFree(db, 'journal_mode = WAL');
    // FULL: a reminder recorded as sent must survive a power cut, or it could be posted twice. The
    // store's connection (SqliteConn) commits at NORMAL and syncs the WAL itself, off the event loop.
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

/** The schema version of a SQLite database (PRAGMA user_version: 0 for a new file). */
export function sqliteVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings a SQLite database to SCHEMA_VERSION: its own history up to 19, then MIGRATIONS; each
 * migration with the version it reaches in PRAGMA user_version, in one transaction.
 */
export function migrate(db: Db): void {
  const seen = sqliteVersion(db);
  if (seen > SCHEMA_VERSION) throw newer(seen);
  if (seen === SCHEMA_VERSION) return;
  // Under the write lock (BEGIN IMMEDIATE waits for it, up to busy_timeout), the version is read
  // again: processes starting together on one database migrate once, and the others find it done.
  db.transaction(() => {
    const current = sqliteVersion(db);
    if (current > SCHEMA_VERSION) throw newer(current);
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(
        v < BASELINE
          ? (SQLITE_HISTORY[v] as string)
          : sqliteText(MIGRATIONS[v - BASELINE] as Migration),
      );
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

/**
 * Migrations are applied under this transaction-scoped advisory lock (any fixed number shared by
 * every build: "amends" in ASCII), so processes starting together on one database apply them once.
 */
const MIGRATION_LOCK = '107122481063027';

/** The schema version of a PostgreSQL database (0: none yet; amends_schema holds one row). */
export async function postgresVersion(q: pg.Pool | pg.PoolClient): Promise<number> {
  const exists = await q.query<{ t: string | null }>(`SELECT to_regclass('amends_schema') AS t`);
  if (!exists.rows[0]?.t) return 0;
  const row = await q.query<{ version: number }>('SELECT version FROM amends_schema');
  return row.rows[0]?.version ?? 0;
}

/**
 * Brings a PostgreSQL database to SCHEMA_VERSION in one transaction, under an advisory lock: a new
 * database gets the baseline (version 19), then MIGRATIONS; amends_schema keeps the version reached.
 * A second process waits for the lock and finds the work done.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await client.query('CREATE TABLE IF NOT EXISTS amends_schema (version INTEGER NOT NULL)');
      let current = await postgresVersion(client);
      if (current > SCHEMA_VERSION) throw newer(current);
      if (current === 0) {
        await client.query(POSTGRES_BASELINE);
        await client.query('INSERT INTO amends_schema (version) VALUES ($1)', [BASELINE]);
        current = BASELINE;
      } else if (current < BASELINE)
        throw new Error(
          `database schema version ${current} was never written by Amends on PostgreSQL`,
        );
      for (let v = current; v < SCHEMA_VERSION; v++) {
        await client.query(postgresText(MIGRATIONS[v - BASELINE] as Migration));
        await client.query('UPDATE amends_schema SET version = $1', [v + 1]);
      }
      await client.query('COMMIT');
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (r) {
        broken = r as Error; // the connection is unusable: don't give it back to the pool
      }
      throw e;
    }
  } finally {
    client.release(broken);
  }
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
