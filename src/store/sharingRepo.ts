import type { SharingStore } from '../services/ports.js';
import type { Conn } from './sql.js';

const GET = 'SELECT shared, at FROM channel_sharing WHERE channel_id = ?';
// A later word wins; an event (shared known, or NULL: changed) at the same instant wins over an answer.
// A word without a name (an event) keeps the name Slack gave last.
const PUT = `INSERT INTO channel_sharing (channel_id, shared, at, name) VALUES (?, ?, ?, ?)
  ON CONFLICT (channel_id) DO UPDATE SET shared = excluded.shared, at = excluded.at,
    name = COALESCE(excluded.name, channel_sharing.name)
  WHERE channel_sharing.at <= excluded.at`;

/**
 * Channels' sharing as every process on the database knows it. A record of what Slack said, not
 * state worth a power cut's fsync: written lightly (a lost row only means Slack is asked again).
 */
export class SharingRepo implements SharingStore {
  constructor(readonly conn: Conn) {}

  async get(channelId: string): Promise<{ shared: boolean | null; at: number } | null> {
    const r = await this.conn.get<{ shared: number | null; at: number }>(GET, [channelId]);
    return r ? { shared: r.shared === null ? null : r.shared === 1, at: r.at } : null;
  }

  async put(
    channelId: string,
    shared: boolean | null,
    at: number,
    name: string | null = null,
  ): Promise<void> {
    await this.conn.run(PUT, [channelId, shared === null ? null : shared ? 1 : 0, at, name], {
      light: true,
    });
  }
}
