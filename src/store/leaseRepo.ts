import type { LeaseStore } from '../services/ports.js';
import type { Conn } from './sql.js';

const TAKE = `INSERT INTO leases (key, holder, until) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
  WHERE leases.holder = excluded.holder OR leases.until <= ?`;
const RELEASE = 'DELETE FROM leases WHERE key = ? AND holder = ?';
const HOLDER = 'SELECT holder FROM leases WHERE key = ? AND until > ?';
const TAKE_FROM = 'UPDATE leases SET holder = ?, until = ? WHERE key = ? AND holder = ?';

/**
 * Leases in the database, shared by every process on it. A lease is no state worth a power cut's
 * fsync: it is written lightly (on SQLite with synchronous=NORMAL: in WAL mode a process crash
 * still keeps it; on PostgreSQL without waiting for the commit to reach the disk). A power cut
 * stops every process on the machine, and with them every lease's holder.
 */
export class LeaseRepo implements LeaseStore {
  constructor(readonly conn: Conn) {}

  async take(key: string, holder: string, now: Date, ms: number): Promise<boolean> {
    const t = now.getTime();
    const changed = await this.conn.transaction((c) => c.run(TAKE, [key, holder, t + ms, t]), {
      light: true,
    });
    return changed === 1;
  }

  async release(key: string, holder: string): Promise<void> {
    await this.conn.transaction((c) => c.run(RELEASE, [key, holder]), { light: true });
  }

  async holderOf(key: string, now: Date): Promise<string | null> {
    const r = await this.conn.get<{ holder: string }>(HOLDER, [key, now.getTime()]);
    return r?.holder ?? null;
  }

  async takeFrom(
    key: string,
    from: string,
    holder: string,
    now: Date,
    ms: number,
  ): Promise<boolean> {
    const changed = await this.conn.transaction(
      (c) => c.run(TAKE_FROM, [holder, now.getTime() + ms, key, from]),
      { light: true },
    );
    return changed === 1;
  }
}
