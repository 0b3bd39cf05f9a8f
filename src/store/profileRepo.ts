import type { ProfileStore, UserFacts, UserProfile } from '../services/ports.js';
import type { Db } from './db.js';

/** Cached Slack user facts (time zone, locale) so reminders don't call users.info on every tick. */
export class ProfileRepo implements ProfileStore {
  readonly #s;
  constructor(db: Db) {
    this.#s = {
      get: db.prepare(
        'SELECT tz, locale, name, fetched_at, lang FROM user_profiles WHERE team_id = ? AND user_id = ?',
      ),
      put: db.prepare(`INSERT INTO user_profiles (team_id, user_id, tz, locale, name, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (team_id, user_id) DO UPDATE SET tz = excluded.tz, locale = excluded.locale, name = excluded.name, fetched_at = excluded.fetched_at`),
      // A choice made before Slack was ever asked leaves the facts empty and stale (fetched_at 0).
      choose:
        db.prepare(`INSERT INTO user_profiles (team_id, user_id, tz, locale, name, fetched_at, lang) VALUES (?, ?, NULL, NULL, NULL, 0, ?)
        ON CONFLICT (team_id, user_id) DO UPDATE SET lang = excluded.lang`),
    };
  }
  get(teamId: string, userId: string): UserProfile | null {
    const r = this.#s.get.get(teamId, userId) as
      | {
          tz: string | null;
          locale: string | null;
          name: string | null;
          fetched_at: number;
          lang: string | null;
        }
      | undefined;
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
  choose(teamId: string, userId: string, lang: string): void {
    this.#s.choose.run(teamId, userId, lang);
  }
  put(teamId: string, userId: string, p: UserFacts, now: Date): void {
    this.#s.put.run(teamId, userId, p.tz, p.locale, p.name, now.getTime());
  }
}
