import type { WorkspaceStore } from '../services/ports.js';
import { type Conn, forUpdate } from './sql.js';

/** The pause of a workspace that uninstalled Amends (or revoked its bot token). */
export const UNINSTALLED = 'uninstalled';

// An uninstalled workspace stays so until a post there works again (it was installed again).
const PAUSE = `INSERT INTO workspaces (team_id, paused_reason, paused_at) VALUES (?, ?, ?)
  ON CONFLICT (team_id) DO UPDATE SET paused_reason = excluded.paused_reason, paused_at = excluded.paused_at
  WHERE workspaces.paused_reason IS NULL OR workspaces.paused_reason <> '${UNINSTALLED}'`;
// The first word of an uninstall counts (app_uninstalled and tokens_revoked come in either order).
const UNINSTALL = `INSERT INTO workspaces (team_id, paused_reason, paused_at) VALUES (?, '${UNINSTALLED}', ?)
  ON CONFLICT (team_id) DO UPDATE SET paused_reason = '${UNINSTALLED}', paused_at = excluded.paused_at
  WHERE workspaces.paused_reason IS NULL OR workspaces.paused_reason <> '${UNINSTALLED}'`;
const UNINSTALLED_BEFORE = `SELECT team_id FROM workspaces
  WHERE paused_reason = '${UNINSTALLED}' AND paused_at < ? ORDER BY paused_at`;
/**
 * Every table holding a workspace's data, by its team_id: what a purge deletes, the tables others
 * refer to last. A test checks the list against the schema, so a new table cannot be forgotten.
 */
export const WORKSPACE_TABLES = [
  'handled_requests',
  'events',
  'reminders',
  'thread_lines',
  'steps',
  'user_profiles',
  'channel_pace',
  'home_viewers',
  'installations',
  'org_workspaces',
  'cases',
  'clients',
  'workspaces',
] as const;
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
  async uninstalled(teamId: string, now: Date): Promise<void> {
    await this.conn.run(UNINSTALL, [teamId, now.getTime()]);
  }
  async uninstalledBefore(at: Date): Promise<string[]> {
    const rows = await this.conn.all<{ team_id: string }>(UNINSTALLED_BEFORE, [at.getTime()]);
    return rows.map((r) => r.team_id);
  }
  /**
   * Deletes everything of a workspace uninstalled before `before`, in one transaction; the rows
   * deleted per table, or null when it is not (any more) so: installed again meanwhile.
   */
  async purge(teamId: string, before: Date): Promise<Record<string, number> | null> {
    return this.conn.transaction(async (c) => {
      const w = await c.get<{ paused_reason: string | null; paused_at: number | null }>(
        `SELECT paused_reason, paused_at FROM workspaces WHERE team_id = ?${forUpdate(c)}`,
        [teamId],
      );
      if (w?.paused_reason !== UNINSTALLED || Number(w.paused_at) >= before.getTime()) return null;
      const counts: Record<string, number> = {};
      for (const table of WORKSPACE_TABLES) {
        // Installations are keyed by scope ('T:<team>'); the others by team_id.
        const n =
          table === 'installations'
            ? await c.run(`DELETE FROM installations WHERE scope = ?`, [`T:${teamId}`])
            : await c.run(`DELETE FROM ${table} WHERE team_id = ?`, [teamId]);
        if (n) counts[table] = n;
      }
      return counts;
    });
  }
  async pausedReason(teamId: string): Promise<string | null> {
    const r = await this.conn.get<{ paused_reason: string | null }>(PAUSED_REASON, [teamId]);
    return r?.paused_reason ?? null;
  }
}
