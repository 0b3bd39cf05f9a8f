import { isValidTimeZone } from '../domain/workingTime.js';
import { isLang, type Lang, langFromLocale } from '../i18n/index.js';
import type { ProfileStore, UserDirectory, UserFacts, UserProfile } from './ports.js';

/**
 * How long a person's row, once read, answers again without the database: about one request (its
 * Slack calls included), which asks for the same person's language and time zone several times.
 */
const RECENT_MS = 1000;
/** Rows kept at most (past it, those older than RECENT_MS are dropped). */
const RECENT_MAX = 1000;

/** A person's row as read at `at` (performance.now()). */
interface Recent {
  readonly at: number;
  readonly row: Promise<UserProfile | null>;
}

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
  /**
   * Rows this process read in the last RECENT_MS, by team and user: a request reads a person's row
   * once. What this process writes replaces the entry or drops it (the next ask then reads the row
   * as stored); another process's write (a language chosen there) is seen once the entry is
   * RECENT_MS old.
   */
  readonly #recent = new Map<string, Recent>();

  constructor(readonly deps: ProfileServiceDeps) {}

  /** The person's cached row: read once per RECENT_MS (see #recent). */
  #row(teamId: string, userId: string): Promise<UserProfile | null> {
    return this.#entry(teamId, userId).row;
  }

  #entry(teamId: string, userId: string): Recent {
    const key = `${teamId}\u0000${userId}`;
    const now = performance.now();
    const hit = this.#recent.get(key);
    if (hit && now - hit.at < RECENT_MS) return hit;
    const entry: Recent = { at: now, row: this.deps.repo.get(teamId, userId) };
    this.#remember(key, entry);
    // A failed read (the database closing) is not remembered.
    entry.row.catch(() => {
      if (this.#recent.get(key) === entry) this.#recent.delete(key);
    });
    return entry;
  }

  #remember(key: string, entry: Recent): void {
    this.#recent.delete(key);
    if (this.#recent.size >= RECENT_MAX) {
      for (const [k, e] of this.#recent)
        if (entry.at - e.at >= RECENT_MS || this.#recent.size >= RECENT_MAX) this.#recent.delete(k);
        else break; // oldest first: the rest are younger
    }
    this.#recent.set(key, entry);
  }

  /**
   * Forgets the rows read: the next ask of each person reads the database (as a request a moment
   * later would).
   */
  forgetRecent(): void {
    this.#recent.clear();
  }

  /**
   * Slack's facts stored for a person. While nothing else replaced the row `read` (`was`, as it
   * was read), the next ask takes the row as now stored without reading it: the facts, and the
   * person's choice of language as read (Slack's answer never changes it).
   */
  async #put(
    teamId: string,
    userId: string,
    facts: UserFacts,
    now: Date,
    read: Recent,
    was: UserProfile | null,
  ): Promise<void> {
    await this.deps.repo.put(teamId, userId, facts, now);
    const key = `${teamId}\u0000${userId}`;
    if (this.#recent.get(key) !== read) {
      this.#recent.delete(key);
      return;
    }
    const row: UserProfile = { ...facts, fetchedAt: now, chosenLang: was?.chosenLang ?? null };
    this.#remember(key, { at: performance.now(), row: Promise.resolve(row) });
  }

  /** `waitMs`: how long this caller waits for Slack (default: the service's maxWaitMs). */
  async resolve(teamId: string, userId: string, now: Date, waitMs?: number): Promise<ResolvedUser> {
    const { directory, ttlMs } = this.deps;
    const maxWaitMs = waitMs ?? this.deps.maxWaitMs ?? 1500;
    const read = this.#entry(teamId, userId);
    const cached = await read.row;
    if (cached && now.getTime() - cached.fetchedAt.getTime() <= ttlMs)
      return this.toResolved(cached);
    const lookup = directory
      .lookup(teamId, userId)
      .then(async (facts) => {
        if (facts) await this.#put(teamId, userId, facts, now, read, cached);
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
    return (await this.#row(teamId, userId))?.name ?? null;
  }

  /** True when Slack was asked about this user recently enough (no lookup needed). */
  async isFresh(teamId: string, userId: string, now: Date): Promise<boolean> {
    const cached = await this.#row(teamId, userId);
    return !!cached && now.getTime() - cached.fetchedAt.getTime() <= this.deps.ttlMs;
  }

  /** A person's own choice of language (`/incident language el`): it wins over their Slack locale. */
  async chooseLanguage(teamId: string, userId: string, lang: string): Promise<Lang> {
    if (!isLang(lang)) throw new Error(`not a language: ${lang}`);
    await this.deps.repo.choose(teamId, userId, lang);
    // Read again at the next ask (a first choice made before Slack was asked stores no facts).
    this.#recent.delete(`${teamId}\u0000${userId}`);
    return lang;
  }

  /** The person's language if Amends knows it (cached: their choice or Slack locale), else null. */
  async cachedLang(teamId: string, userId: string): Promise<Lang | null> {
    const p = await this.#row(teamId, userId);
    return p ? this.toResolved(p).lang : null;
  }

  /** Cached facts only, no Slack call (for hot paths such as rendering). */
  async cachedOrDefault(teamId: string, userId: string): Promise<ResolvedUser> {
    return this.toResolved(await this.#row(teamId, userId));
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
