import type { Catalog } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import type { CaseService } from '../../services/cases.js';
import type { ProfileService } from '../../services/profiles.js';
import type { WorkspaceService } from '../../services/workspaces.js';
import type { Log, Presenter } from '../presenter.js';

/** What listeners are built from: use-cases and the presenter, never the database itself. */
export interface ListenerDeps {
  readonly cases: CaseService;
  readonly profiles: ProfileService;
  readonly workspaces: WorkspaceService;
  readonly presenter: Presenter;
  readonly log: Log;
}

/** The installing workspace a request belongs to (Slack Connect users carry their own team elsewhere). */
export function teamOf(body: unknown): string | null {
  const b = body as {
    view?: { app_installed_team_id?: string };
    team?: { id?: string } | null;
    team_id?: string;
    user?: { team_id?: string };
  };
  const id = b.view?.app_installed_team_id || b.team?.id || b.team_id || b.user?.team_id;
  return typeof id === 'string' && /^[TE][A-Za-z0-9-]+$/.test(id) ? id : null;
}

/** The language to answer one user in: their cached Slack locale, or the default. */
export function catFor(deps: ListenerDeps, teamId: string, userId: string): Catalog {
  return t(deps.profiles.cachedOrDefault(teamId, userId).lang);
}
