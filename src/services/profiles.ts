import { isValidTimeZone } from '../domain/workingTime.js';
import { type Lang, langFromLocale } from '../i18n/index.js';
import type { ProfileRepo } from '../store/profileRepo.js';
import type { UserDirectory } from './ports.js';

export interface ResolvedUser {
  readonly tz: string;
  readonly lang: Lang;
}

export interface ProfileServiceDeps {
  readonly repo: ProfileRepo;
  readonly directory: UserDirectory;
  readonly defaultTz: string;
  readonly defaultLang: Lang;
  /** How long a cached users.info answer is trusted. */
  readonly ttlMs: number;
}

/** A user's time zone and language: from the cache while fresh, else from Slack; defaults if Slack can't say. */
export class ProfileService {
  constructor(readonly deps: ProfileServiceDeps) {}

  async resolve(teamId: string, userId: string, now: Date): Promise<ResolvedUser> {
    const { repo, directory, ttlMs } = this.deps;
    let cached = repo.get(teamId, userId);
    if (!cached || now.getTime() - cached.fetchedAt.getTime() > ttlMs) {
      try {
        const facts = await directory.lookup(teamId, userId);
        if (facts) {
          repo.put(teamId, userId, facts, now);
          cached = { ...facts, fetchedAt: now };
        }
      } catch {
        // Slack unreachable: a stale answer (or the defaults) beats no reminder at all.
      }
    }
    return this.toResolved(cached);
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
