import type { ProcessStore } from '../services/ports.js';
import { type Db, lightly } from './db.js';

/**
 * Each process's heartbeat, shared by every process on the database: a process whose heartbeat ran
 * out is gone, and what it held (leases, reminder claims) is taken over at once. A heartbeat is no
 * state worth a power cut's fsync (one that stops every process on the machine): written lightly.
 */
export class ProcessRepo implements ProcessStore {
  readonly #s;
  constructor(readonly db: Db) {
    this.#s = {
      beat: db.prepare(
        `INSERT INTO processes (holder, alive_until) VALUES (?, ?)
         ON CONFLICT (holder) DO UPDATE SET alive_until = excluded.alive_until`,
      ),
      gone: db.prepare('UPDATE processes SET alive_until = 0 WHERE holder = ?'),
      until: db.prepare('SELECT alive_until FROM processes WHERE holder = ?').pluck(),
      forget: db.prepare('DELETE FROM processes WHERE alive_until < ?'),
    };
  }

  beat(holder: string, aliveUntil: number): void {
    lightly(this.db, () => this.#s.beat.run(holder, aliveUntil));
  }

  gone(holder: string): void {
    lightly(this.db, () => this.#s.gone.run(holder));
  }

  aliveUntil(holder: string): number | null {
    return (this.#s.until.get(holder) as number | undefined) ?? null;
  }

  forgetBefore(at: number): void {
    lightly(this.db, () => this.#s.forget.run(at));
  }
}
