import type { WorkspaceStore } from '../services/ports.js';
import type { Db } from './db.js';

/** Workspaces whose reminders are paused (token revoked, app uninstalled, invalid auth). */
export class WorkspaceRepo implements WorkspaceStore {
  readonly #s;
  constructor(db: Db) {
    this.#s = {
      pause: db.prepare(`INSERT INTO workspaces (team_id, paused_reason, paused_at) VALUES (?, ?, ?)
        ON CONFLICT (team_id) DO UPDATE SET paused_reason = excluded.paused_reason, paused_at = excluded.paused_at`),
      // Only a paused workspace is written: resuming runs after every post that works.
      resume: db.prepare(
        `UPDATE workspaces SET paused_reason = NULL, paused_at = NULL
         WHERE team_id = ? AND paused_reason IS NOT NULL`,
      ),
      get: db.prepare('SELECT paused_reason FROM workspaces WHERE team_id = ?'),
    };
  }
  pause(teamId: string, reason: string, now: Date): void {
    this.#s.pause.run(teamId, reason, now.getTime());
  }
  resume(teamId: string): void {
    this.#s.resume.run(teamId);
  }
  pausedReason(teamId: string): string | null {
    const r = this.#s.get.get(teamId) as { paused_reason: string | null } | undefined;
    return r?.paused_reason ?? null;
  }
}
