import type { OpsStore, OutboxState } from '../services/ports.js';
import { SCHEMA_VERSION } from './db.js';
import type { Conn } from './sql.js';

/** The tables OpsRepo.rows counts. */
const COUNTED = [
  'cases',
  'steps',
  'events',
  'reminders',
  'thread_lines',
  'handled_requests',
  'user_profiles',
] as const;
export type CountedTable = (typeof COUNTED)[number];

/**
 * The store as operations see it: the readiness probe's questions (does the database answer, at
 * which schema version) and the outbox's gauges. Each is one short statement through an index
 * (reminders_ready, thread_lines_pending): a probe every few seconds costs nothing.
 */
export class OpsRepo implements OpsStore {
  constructor(readonly conn: Conn) {}

  /**
   * How many rows each table of the cases' data holds, on either engine: what an operator checks
   * after a copy or a restore (db:copy and backups report the same counts). A count per table, so
   * not for a probe.
   */
  async rows(): Promise<Record<CountedTable, number>> {
    const out = {} as Record<CountedTable, number>;
    for (const t of COUNTED) {
      const r = await this.conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`);
      out[t] = Number(r?.n ?? 0);
    }
    return out;
  }

  /** The version the database says it is at (SQLite's user_version, PostgreSQL's amends_schema). */
  async schemaVersion(): Promise<number> {
    if (this.conn.dialect === 'sqlite') {
      const r = await this.conn.get<{ user_version: number }>('PRAGMA user_version');
      return r?.user_version ?? 0;
    }
    const r = await this.conn.get<{ version: number }>('SELECT version FROM amends_schema');
    return r?.version ?? 0;
  }

  /** Whether the schema is the one this build writes. */
  async schemaCurrent(): Promise<{ ok: boolean; version: number; expected: number }> {
    const version = await this.schemaVersion();
    return { ok: version === SCHEMA_VERSION, version, expected: SCHEMA_VERSION };
  }

  async outbox(now: number): Promise<OutboxState> {
    const ready = await this.conn.get<{ at: number | null }>(
      `SELECT MIN(not_before) AS at FROM reminders WHERE status = 'pending' AND not_before <= ?`,
      [now],
    );
    const line = await this.conn.get<{ at: number | null }>(
      `SELECT MIN(created_at) AS at FROM thread_lines WHERE status = 'pending'`,
    );
    const claimed = await this.conn.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM reminders WHERE status = 'claimed'`,
    );
    return {
      oldestReadyReminderAt: ready?.at ?? null,
      oldestPendingLineAt: line?.at ?? null,
      claimsInFlight: Number(claimed?.n ?? 0),
    };
  }
}
