import type { ProfileStore, UserFacts, UserProfile } from '../services/ports.js';
import type { Conn } from './sql.js';

const GET =
  'SELECT tz, locale, name, fetched_at, lang FROM user_profiles WHERE team_id = ? AND user_id = ?';
const PUT = `INSERT INTO user_profiles (team_id, user_id, tz, locale, name, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (team_id, user_id) DO UPDATE SET tz = excluded.tz, locale = excluded.locale, name = excluded.name, fetched_at = excluded.fetched_at`;
// A choice made before Slack was ever asked leaves the facts empty and stale (fetched_at 0).
const CHOOSE = `INSERT INTO user_profiles (team_id, user_id, tz, locale, name, fetched_at, lang) VALUES (?, ?, NULL, NULL, NULL, 0, ?)
  ON CONFLICT (team_id, user_id) DO UPDATE SET lang = excluded.lang`;

interface ProfileRow {
  tz: string | null;
  locale: string | null;
  name: string | null;
  fetched_at: number;
  lang: string | null;
}

/** Cached Slack user facts (time zone, locale) so reminders don't call users.info on every tick. */
export class ProfileRepo implements ProfileStore {
  constructor(readonly conn: Conn) {}
  async get(teamId: string, userId: string): Promise<UserProfile | null> {
    const r = await this.conn.get<ProfileRow>(GET, [teamId, userId]);
    return r
      ? {
          tz: r.tz,
          locale: r.locale,
          name: r.name,
          fetchedAt: new Date(r.fetched_at),
          chosenLang: r.lang,
        }
      : null;
  }
  async choose(teamId: string, userId: string, lang: string): Promise<void> {
    await this.conn.run(CHOOSE, [teamId, userId, lang]);
  }
  async put(teamId: string, userId: string, p: UserFacts, now: Date): Promise<void> {
    // Light: a copy of what Slack said, asked again if a power cut loses it.
    await this.conn.run(PUT, [teamId, userId, p.tz, p.locale, p.name, now.getTime()], {
      light: true,
    });
  }
}
