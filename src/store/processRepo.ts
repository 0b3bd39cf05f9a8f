import type { ProcessStore } from '../services/ports.js';
import { type Conn, dbNow } from './sql.js';

/**
 * The statements, with the instant they measure against: on SQLite the caller's `now` (one file,
 * one host), on PostgreSQL the server's clock, so replicas whose clocks disagree agree on who is gone.
 */
const texts = (now: string) => ({
  beat: `INSERT INTO processes (holder, alive_until) VALUES (?, ${now} + ?)
  ON CONFLICT (holder) DO UPDATE SET alive_until = excluded.alive_until`,
  gone: 'UPDATE processes SET alive_until = 0 WHERE holder = ?',
  ranOut: `SELECT CASE WHEN alive_until < ${now} THEN 1 ELSE 0 END AS out FROM processes WHERE holder = ?`,
  forget: `DELETE FROM processes WHERE alive_until < ${now} - ?`,
  alive: `SELECT holder FROM processes WHERE alive_until >= ${now} ORDER BY holder`,
});
const SQLITE = texts('?');
const POSTGRES = texts(dbNow('postgres'));

/**
 * Each process's heartbeat, shared by every process on the database: a process whose heartbeat ran
 * out is gone, and what it held (leases, reminder claims) is taken over at once. A heartbeat is no
 * state worth a power cut's fsync (one that stops every process on the machine): written lightly.
 * On PostgreSQL heartbeats run out by the server's clock (the `now` arguments are not used there).
 */
export class ProcessRepo implements ProcessStore {
  readonly #pg: boolean;
  constructor(readonly conn: Conn) {
    this.#pg = conn.dialect === 'postgres';
  }

  async beat(holder: string, now: number, forMs: number): Promise<void> {
    const [sql, params] = this.#pg
      ? [POSTGRES.beat, [holder, forMs]]
      : [SQLITE.beat, [holder, now, forMs]];
    await this.conn.run(sql, params, { light: true });
  }

  async gone(holder: string): Promise<void> {
    await this.conn.run(SQLITE.gone, [holder], { light: true });
  }

  async ranOut(holder: string, now: number): Promise<boolean | null> {
    const r = this.#pg
      ? await this.conn.get<{ out: number }>(POSTGRES.ranOut, [holder])
      : await this.conn.get<{ out: number }>(SQLITE.ranOut, [now, holder]);
    return r ? r.out === 1 : null;
  }

  async alive(now: number): Promise<string[]> {
    const rows = this.#pg
      ? await this.conn.all<{ holder: string }>(POSTGRES.alive, [])
      : await this.conn.all<{ holder: string }>(SQLITE.alive, [now]);
    return rows.map((r) => r.holder);
  }

  async forgetBefore(now: number, agoMs: number): Promise<void> {
    const [sql, params] = this.#pg ? [POSTGRES.forget, [agoMs]] : [SQLITE.forget, [now, agoMs]];
    await this.conn.run(sql, params, { light: true });
  }
}
