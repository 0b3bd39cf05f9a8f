import type { WorkspaceStore } from '../services/ports.js';
import type { Conn } from './sql.js';

const PAUSE = `INSERT INTO workspaces (team_id, paused_reason, paused_at) VALUES (?, ?, ?)
  ON CONFLICT (team_id) DO UPDATE SET paused_reason = excluded.paused_reason, paused_at = excluded.paused_at`;
// Only a paused workspace is written: resuming runs after every post that works.
const RESUME = `UPDATE workspaces SET paused_reason = NULL, paused_at = NULL
  WHERE team_id = ? AND paused_reason IS NOT NULL`;
const PAUSED_REASON = 'SELECT paused_reason FROM workspaces WHERE team_id = ?';

/** Workspaces whose reminders are paused (token revoked, app uninstalled, invalid auth). */
export class WorkspaceRepo implements WorkspaceStore {
  constructor(readonly conn: Conn) {}
  async pause(teamId: string, reason: string, now: Date): Promise<void> {
    await this.conn.run(PAUSE, [teamId, reason, now.getTime()]);
  }
  async resume(teamId: string): Promise<void> {
    await this.conn.run(RESUME, [teamId]);
  }
  async pausedReason(teamId: string): Promise<string | null> {
    const r = await this.conn.get<{ paused_reason: string | null }>(PAUSED_REASON, [teamId]);
    return r?.paused_reason ?? null;
  }
}
