import type { webApi } from '@slack/bolt';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import type { Log } from '../log.js';
import type { CaseService } from '../services/cases.js';
import type { HomeViewerStore } from '../services/ports.js';
import type { ProfileService } from '../services/profiles.js';
import type { ReportService } from '../services/reports.js';
import { renderHome } from './blocks/home.js';

type WebClient = webApi.WebClient;

/** How long a person who opened App Home counts as looking at it (redrawn after each change). */
export const VIEWER_TTL_MS = 7 * 24 * 60 * 60_000;
/** A person's opening is recorded again at most this often by one process (each one is a write). */
const REOPEN_WRITE_MS = 60 * 60_000;

/**
 * App Home, published when a person opens it and after every change that concerns them while they
 * have it; publishes for one person coalesce. Who looks is kept in the shared database
 * (HomeViewerStore), so any replica redraws it; an opening counts for VIEWER_TTL_MS.
 */
export class HomePublisher {
  /** Openings this process recorded lately (team:user → when): not written again within the hour. */
  readonly #recorded = new Map<string, number>();
  #forgotAt = Number.NEGATIVE_INFINITY;
  readonly #running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(
    readonly deps: {
      readonly cases: CaseService;
      readonly reports: ReportService;
      readonly profiles: ProfileService;
      readonly viewers: HomeViewerStore;
      readonly log: Log;
    },
    /** The wall clock (who looks is about people and processes, not the cases' time). */
    readonly now: () => number = Date.now,
  ) {}

  /** `user` opened App Home: recorded for every process (a failure is logged: nothing else waits). */
  async opened(team: string, user: string): Promise<void> {
    const key = `${team}:${user}`;
    const now = this.now();
    const last = this.#recorded.get(key);
    if (last !== undefined && now - last >= 0 && now - last < REOPEN_WRITE_MS) return;
    try {
      await this.deps.viewers.opened(team, user, now);
      this.#recorded.set(key, now);
      // Openings older than the TTL are of no use: forgotten hourly (by whichever process records).
      if (now - this.#forgotAt >= REOPEN_WRITE_MS) {
        this.#forgotAt = now;
        for (const [k, at] of this.#recorded)
          if (now - at >= REOPEN_WRITE_MS) this.#recorded.delete(k);
        await this.deps.viewers.forgetBefore(now - VIEWER_TTL_MS);
      }
    } catch (e) {
      this.deps.log.error('could not record who opened App Home', { err: e });
    }
  }

  /** After a change: the homes of its owner and creator, if they have opened theirs. */
  async changed(client: WebClient, c: RecoveryCase): Promise<void> {
    const since = this.now() - VIEWER_TTL_MS;
    const users = await this.deps.viewers.watching(c.teamId, [c.ownerId, c.creatorId], since);
    await Promise.all(users.map((u) => this.publish(client, c.teamId, u)));
  }

  publish(client: WebClient, team: string, user: string): Promise<void> {
    const key = `${team}:${user}`;
    const running = this.#running.get(key);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = (async () => {
      try {
        do {
          state.again = false;
          const { cases, reports, profiles } = this.deps;
          // Read with what is stored now (a change committed meanwhile sets `again`).
          const [profile, owned, open, report] = await Promise.all([
            profiles.cachedOrDefault(team, user),
            cases.listOwned(team, user),
            cases.listOpenInTeam(team),
            reports.report(team, null),
          ]);
          const view = renderHome(
            {
              viewer: user,
              lang: profile.lang,
              owned,
              team: open,
              report,
              teamDomain: null,
              now: cases.now(),
            },
            cases.playbook,
          );
          await client.views.publish({ user_id: user, view });
        } while (state.again);
      } finally {
        this.#running.delete(key);
      }
    })();
    this.#running.set(key, state);
    return state.done;
  }
}
