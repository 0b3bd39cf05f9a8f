import { isValidTimeZone } from '../domain/workingTime.js';
import { isLang, type Lang, langFromLocale } from '../i18n/index.js';
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

  /** `waitMs`: how long this caller waits for Slack (default: the service's maxWaitMs). */
  async resolve(teamId: string, userId: string, now: Date, waitMs?: number): Promise<ResolvedUser> {
    const { repo, directory, ttlMs } = this.deps;
    const maxWaitMs = waitMs ?? this.deps.maxWaitMs ?? 1500;
    const cached = await repo.get(teamId, userId);
    if (cached && now.getTime() - cached.fetchedAt.getTime() <= ttlMs)
      return this.toResolved(cached);
    const lookup = directory
      .lookup(teamId, userId)
      .then(async (facts) => {
        if (facts) await repo.put(teamId, userId, facts, now);
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
    return this.toResolved(facts ? { ...facts, chosenLang: cached?.chosenLang } : cached);
  }

  /** The person's name as Slack last gave it (cached), or null. */
  async nameOf(teamId: string, userId: string): Promise<string | null> {
    return (await this.deps.repo.get(teamId, userId))?.name ?? null;
  }

  /** True when Slack was asked about this user recently enough (no lookup needed). */
  async isFresh(teamId: string, userId: string, now: Date): Promise<boolean> {
    const cached = await this.deps.repo.get(teamId, userId);
    return !!cached && now.getTime() - cached.fetchedAt.getTime() <= this.deps.ttlMs;
  }

  /** A person's own choice of language (`/incident language el`): it wins over their Slack locale. */
  async chooseLanguage(teamId: string, userId: string, lang: string): Promise<Lang> {
    if (!isLang(lang)) throw new Error(`not a language: ${lang}`);
    await this.deps.repo.choose(teamId, userId, lang);
    return lang;
  }

  /** The person's language if Amends knows it (cached: their choice or Slack locale), else null. */
  async cachedLang(teamId: string, userId: string): Promise<Lang | null> {
    const p = await this.deps.repo.get(teamId, userId);
    return p ? this.toResolved(p).lang : null;
  }

  /** Cached facts only, no Slack call (for hot paths such as rendering). */
  async cachedOrDefault(teamId: string, userId: string): Promise<ResolvedUser> {
    return this.toResolved(await this.deps.repo.get(teamId, userId));
  }

  private toResolved(
    p: { tz: string | null; locale: string | null; chosenLang?: string | null } | null,
  ): ResolvedUser {
    const tz = p?.tz && isValidTimeZone(p.tz) ? p.tz : this.deps.defaultTz;
    const chosen = p?.chosenLang;
    return {
      tz,
      lang: chosen && isLang(chosen) ? chosen : langFromLocale(p?.locale, this.deps.defaultLang),
    };
  }
}
