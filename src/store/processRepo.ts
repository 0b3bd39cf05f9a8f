import type { ProcessStore } from '../services/ports.js';
import type { Conn } from './sql.js';

const BEAT = `INSERT INTO processes (holder, alive_until) VALUES (?, ?)
  ON CONFLICT (holder) DO UPDATE SET alive_until = excluded.alive_until`;
const GONE = 'UPDATE processes SET alive_until = 0 WHERE holder = ?';
const ALIVE_UNTIL = 'SELECT alive_until FROM processes WHERE holder = ?';
const FORGET = 'DELETE FROM processes WHERE alive_until < ?';

/**
 * Each process's heartbeat, shared by every process on the database: a process whose heartbeat ran
 * out is gone, and what it held (leases, reminder claims) is taken over at once. A heartbeat is no
 * state worth a power cut's fsync (one that stops every process on the machine): written lightly.
 */
export class ProcessRepo implements ProcessStore {
  constructor(readonly conn: Conn) {}

  async beat(holder: string, aliveUntil: number): Promise<void> {
    await this.conn.transaction((c) => c.run(BEAT, [holder, aliveUntil]), { light: true });
  }

  async gone(holder: string): Promise<void> {
    await this.conn.transaction((c) => c.run(GONE, [holder]), { light: true });
  }

  async aliveUntil(holder: string): Promise<number | null> {
    const r = await this.conn.get<{ alive_until: number }>(ALIVE_UNTIL, [holder]);
    return r?.alive_until ?? null;
  }

  async forgetBefore(at: number): Promise<void> {
    await this.conn.transaction((c) => c.run(FORGET, [at]), { light: true });
  }
}
