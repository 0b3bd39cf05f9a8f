import type { LeaseStore } from '../services/ports.js';
import { type Db, lightly } from './db.js';

/**
 * Leases in the database, shared by every process on it. A lease is no state worth a power cut's
 * fsync: it is written with synchronous=NORMAL (in WAL mode a process crash still keeps it; a power
 * cut stops every process on the machine, and with them every lease's holder).
 */
export class LeaseRepo implements LeaseStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      take: db.prepare(
        `INSERT INTO leases (key, holder, until) VALUES (@key, @holder, @until)
         ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, until = excluded.until
         WHERE leases.holder = excluded.holder OR leases.until <= @now`,
      ),
      release: db.prepare('DELETE FROM leases WHERE key = ? AND holder = ?'),
      holder: db.prepare('SELECT holder FROM leases WHERE key = ? AND until > ?'),
      takeFrom: db.prepare('UPDATE leases SET holder = ?, until = ? WHERE key = ? AND holder = ?'),
    };
  }

  take(key: string, holder: string, now: Date, ms: number): boolean {
    return (
      lightly(this.db, () =>
        this.#s.take.run({ key, holder, until: now.getTime() + ms, now: now.getTime() }),
      ).changes === 1
    );
  }

  release(key: string, holder: string): void {
    lightly(this.db, () => this.#s.release.run(key, holder));
  }

  holderOf(key: string, now: Date): string | null {
    const r = this.#s.holder.get(key, now.getTime()) as { holder: string } | undefined;
    return r?.holder ?? null;
  }

  takeFrom(key: string, from: string, holder: string, now: Date, ms: number): boolean {
    return (
      lightly(this.db, () => this.#s.takeFrom.run(holder, now.getTime() + ms, key, from))
        .changes === 1
    );
  }
}
