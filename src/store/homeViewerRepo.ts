import type { HomeViewerStore } from '../services/ports.js';
import type { Conn } from './sql.js';

// A later opening wins (two replicas may record the same person at once).
const OPENED = `INSERT INTO home_viewers (team_id, user_id, opened_at) VALUES (?, ?, ?)
  ON CONFLICT (team_id, user_id) DO UPDATE SET opened_at = excluded.opened_at
  WHERE home_viewers.opened_at < excluded.opened_at`;
const FORGET = 'DELETE FROM home_viewers WHERE opened_at < ?';
/** The texts of `watching`, by the number of people asked about (a change concerns one or two). */
const watchingTexts = new Map<number, string>();
function watchingText(n: number): string {
  let sql = watchingTexts.get(n);
  if (sql === undefined) {
    const marks = Array.from({ length: n }, () => '?').join(', ');
    sql = `SELECT user_id FROM home_viewers
  WHERE team_id = ? AND user_id IN (${marks}) AND opened_at >= ?`;
    watchingTexts.set(n, sql);
  }
  return sql;
}

/**
 * Who opened App Home and when, as every process on the database knows it. Written lightly: a
 * record of who looks, not state worth a power cut's fsync.
 */
export class HomeViewerRepo implements HomeViewerStore {
  constructor(readonly conn: Conn) {}

  async opened(teamId: string, userId: string, at: number): Promise<void> {
    await this.conn.run(OPENED, [teamId, userId, at], { light: true });
  }

  async watching(teamId: string, userIds: readonly string[], since: number): Promise<string[]> {
    const users = [...new Set(userIds)];
    if (users.length === 0) return [];
    const rows = await this.conn.all<{ user_id: string }>(watchingText(users.length), [
      teamId,
      ...users,
      since,
    ]);
    return rows.map((r) => r.user_id);
  }

  async forgetBefore(at: number): Promise<void> {
    await this.conn.run(FORGET, [at], { light: true });
  }
}
