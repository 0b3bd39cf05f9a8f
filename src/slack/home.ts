import type { webApi } from '@slack/bolt';
import type { RecoveryCase } from '../domain/recoveryCase.js';
import type { Log } from '../log.js';
import type { CaseService } from '../services/cases.js';
import type { ProfileService } from '../services/profiles.js';
import type { ReportService } from '../services/reports.js';
import { renderHome } from './blocks/home.js';

type WebClient = webApi.WebClient;

/**
 * App Home, published when a person opens it and again after every change that concerns them
 * (as owner or creator) while they have it. Publishes for one person coalesce: asked again while
 * one is on its way, it draws once more when that one is done, with what is stored by then.
 */
export class HomePublisher {
  /** People who opened App Home since this process started (team:user). */
  readonly #viewers = new Set<string>();
  readonly #running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(
    readonly deps: {
      readonly cases: CaseService;
      readonly reports: ReportService;
      readonly profiles: ProfileService;
      readonly log: Log;
    },
  ) {}

  opened(team: string, user: string): void {
    this.#viewers.add(`${team}:${user}`);
  }

  /** After a change: the homes of its owner and creator, if they have opened theirs. */
  async changed(client: WebClient, c: RecoveryCase): Promise<void> {
    const users = new Set([c.ownerId, c.creatorId]);
    await Promise.all(
      [...users]
        .filter((u) => this.#viewers.has(`${c.teamId}:${u}`))
        .map((u) => this.publish(client, c.teamId, u)),
    );
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
