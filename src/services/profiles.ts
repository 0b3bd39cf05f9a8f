import { isValidTimeZone } from '../domain/workingTime.js';
import { type Lang, langFromLocale } from '../i18n/index.js';
import type { ProfileStore, UserDirectory } from './ports.js';

export interface ResolvedUser {
  readonly tz: string;
  readonly lang: Lang;
}

export interface ProfileServiceDeps {
  readonly repo: ProfileStore;
  readonly directory: UserDirectory;
  readonly defaultTz: string;
  readonly defaultLang: Lang;
  /** How long a cached users.info answer is trusted. */
  readonly ttlMs: number;
  /**
   * How long a caller waits for Slack before going on with the cached answer or the defaults (the
   * lookup still completes and fills the cache). Some callers answer Slack within its 3 s.
   */
  readonly maxWaitMs?: number;
}

/** A user's time zone and language: from the cache while fresh, else from Slack; defaults if Slack can't say. */
export class ProfileService {
  constructor(readonly deps: ProfileServiceDeps) {}

  async resolve(teamId: string, userId: string, now: Date): Promise<ResolvedUser> {
    const { repo, directory, ttlMs, maxWaitMs = 1500 } = this.deps;
    const cached = repo.get(teamId, userId);
    if (cached && now.getTime() - cached.fetchedAt.getTime() <= ttlMs)
      return this.toResolved(cached);
    const lookup = directory
      .lookup(teamId, userId)
      .then((facts) => {
        if (facts) repo.put(teamId, userId, facts, now);
        return facts;
      })
      // Slack unreachable (or the store closed meanwhile): a stale answer or the defaults will do.
      .catch(() => null);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), maxWaitMs);
    });
    const facts = await Promise.race([lookup, timeout]);
    clearTimeout(timer);
    return this.toResolved(facts ?? cached);
  }

  /** Cached facts only, no Slack call (for hot paths such as rendering). */
  cachedOrDefault(teamId: string, userId: string): ResolvedUser {
    return this.toResolved(this.deps.repo.get(teamId, userId));
  }

  private toResolved(p: { tz: string | null; locale: string | null } | null): ResolvedUser {
    const tz = p?.tz && isValidTimeZone(p.tz) ? p.tz : this.deps.defaultTz;
    return { tz, lang: langFromLocale(p?.locale, this.deps.defaultLang) };
  }
}
