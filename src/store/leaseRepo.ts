import type { LeaseStore } from '../services/ports.js';
import { type Conn, dbNow } from './sql.js';

/**
 * The statements, with the instant they measure against: on SQLite the caller's `now` (one file, one
 * host: its clock is the database's), on PostgreSQL the server's own clock, so replicas on hosts
 * whose clocks disagree still agree on when a lease runs out. `?` then stands for the duration.
 */
const texts = (now: string, until: string) => ({
  take: `INSERT INTO leases (key, holder, until) VALUES (?, ?, ${until})
  ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
  WHERE leases.holder = excluded.holder OR leases.until <= ${now}`,
  release: 'DELETE FROM leases WHERE key = ? AND holder = ?',
  holder: `SELECT holder FROM leases WHERE key = ? AND until > ${now}`,
  takeFrom: `UPDATE leases SET holder = ?, until = ${until} WHERE key = ? AND holder = ?`,
});
const SQLITE = texts('?', '?');
const POSTGRES = texts(dbNow('postgres'), `${dbNow('postgres')} + ?`);

/**
 * Leases in the database, shared by every process on it, written lightly (no fsync): a power cut
 * that loses one also stops its holder. On PostgreSQL a lease runs out by the server's clock (`now`
 * is not used there), since the replicas' clocks may disagree.
 */
export class LeaseRepo implements LeaseStore {
  readonly #pg: boolean;
  constructor(readonly conn: Conn) {
    this.#pg = conn.dialect === 'postgres';
  }

  async take(key: string, holder: string, now: Date, ms: number): Promise<boolean> {
    const t = now.getTime();
    const [sql, params] = this.#pg
      ? [POSTGRES.take, [key, holder, ms]]
      : [SQLITE.take, [key, holder, t + ms, t]];
    const changed = await this.conn.run(sql, params, { light: true });
    return changed === 1;
  }

  async release(key: string, holder: string): Promise<void> {
    await this.conn.run(SQLITE.release, [key, holder], { light: true });
  }

  async holderOf(key: string, now: Date): Promise<string | null> {
    const r = this.#pg
      ? await this.conn.get<{ holder: string }>(POSTGRES.holder, [key])
      : await this.conn.get<{ holder: string }>(SQLITE.holder, [key, now.getTime()]);
    return r?.holder ?? null;
  }

  async takeFrom(
    key: string,
    from: string,
    holder: string,
    now: Date,
    ms: number,
  ): Promise<boolean> {
    const [sql, params] = this.#pg
      ? [POSTGRES.takeFrom, [holder, ms, key, from]]
      : [SQLITE.takeFrom, [holder, now.getTime() + ms, key, from]];
    const changed = await this.conn.run(sql, params, { light: true });
    return changed === 1;
  }
}
