import type { Conn } from './sql.js';

const LAST_EVENT = 'SELECT MAX(at) AS at FROM events';
const POSTED = 'SELECT id, channel_id, message_ts FROM cases WHERE message_ts IS NOT NULL';
const INSTALLED_TEAMS = `SELECT team_id FROM installations
  WHERE user_id = '' AND is_enterprise_install = 0 AND team_id IS NOT NULL`;
const FORGET_INSTALLATIONS = 'DELETE FROM installations';
const FORGET_POST = 'UPDATE cases SET message_ts = NULL, first_reply_ts = NULL WHERE id = ?';

/** A case as Slack should be showing it: its parent post. */
export interface PostedCase {
  readonly id: number;
  readonly channelId: string;
  readonly messageTs: string;
}

/**
 * What the sandbox (src/sandbox/, through Store.sandbox) needs of its database when it boots
 * against Slack state saved apart from it: when the cases' time last moved, and which posts its fake
 * Slack lost. Only the sandbox uses it; the bot never forgets a post.
 */
export class SandboxRepo {
  constructor(readonly conn: Conn) {}

  /** When the latest event was stored (ms since the epoch), or null when there is none. */
  async lastEventAt(): Promise<number | null> {
    const r = await this.conn.get<{ at: number | null }>(LAST_EVENT);
    return r?.at ?? null;
  }

  /** The workspaces Amends is installed in (OAuth), by team id. */
  async installedTeams(): Promise<string[]> {
    const rows = await this.conn.all<{ team_id: string }>(INSTALLED_TEAMS);
    return rows.map((r) => r.team_id);
  }

  /**
   * Forgets every installation: sealed with a key the sandbox no longer has, none could be opened.
   * Their workspaces are installed again (the first at once, the others with Add to Slack).
   */
  async forgetInstallations(): Promise<number> {
    return this.conn.run(FORGET_INSTALLATIONS);
  }

  /** Every case with a parent post on record. */
  async posted(): Promise<PostedCase[]> {
    const rows = await this.conn.all<{ id: number; channel_id: string; message_ts: string }>(
      POSTED,
    );
    return rows.map((r) => ({ id: r.id, channelId: r.channel_id, messageTs: r.message_ts }));
  }

  /**
   * The cases' posts (parent and first reply) are not in Slack: they are posted again, as after a
   * crash. One transaction.
   */
  async forgetPosts(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.conn.transaction(async (c) => {
      for (const id of ids) await c.run(FORGET_POST, [id]);
    });
  }
}
