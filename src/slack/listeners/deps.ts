import type { Client } from '../../domain/client.js';
import type { Catalog } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import type { Log } from '../../log.js';
import type { CaseService } from '../../services/cases.js';
import type { Presenter } from '../../services/presenter.js';
import type { ProfileService } from '../../services/profiles.js';
import type { ReminderService } from '../../services/reminders.js';
import type { ReportService } from '../../services/reports.js';
import type { WorkspaceService } from '../../services/workspaces.js';
import type { HomePublisher } from '../home.js';

/** What listeners are built from: use-cases and the presenter, never the database itself. */
export interface ListenerDeps {
  readonly cases: CaseService;
  readonly profiles: ProfileService;
  readonly reminders: ReminderService;
  readonly workspaces: WorkspaceService;
  readonly presenter: Presenter;
  readonly reports: ReportService;
  readonly home: HomePublisher;
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

/**
 * Amends is (again) able to post in a channel: the cases stored there but never shown are posted
 * (after looking for them in the channel), and the reminders that failed there for want of the bot
 * go back to the queue. Returns how many cases were posted.
 */
export async function showWaiting(
  deps: ListenerDeps,
  teamId: string,
  channelId: string,
  /** A case the caller posts itself (the one just opened). */
  except?: number,
): Promise<number> {
  // One indexed query for this channel; cases being posted right now have no failure on record.
  const waiting = (await deps.cases.waitingIn(teamId, channelId)).filter((c) => c.id !== except);
  let posted = 0;
  for (const c of waiting) {
    if ((await deps.presenter.publish(c, { recover: true })).ok) posted++;
    else break; // still not postable: the rest wait too
  }
  // Invited (the event), or a waiting case just went out: the channel is open to Amends again.
  // (Not on every command: that would be a second write for each new case.)
  if (posted === waiting.length && (posted > 0 || except === undefined))
    await deps.reminders.channelOpened(teamId, channelId);
  return posted;
}

/** The language to answer one user in: their cached Slack locale, or the default. */
export async function catFor(deps: ListenerDeps, teamId: string, userId: string): Promise<Catalog> {
  return t((await deps.profiles.cachedOrDefault(teamId, userId)).lang);
}

/**
 * The workspace's clients on record, for the new-case form to offer. A store that fails here only
 * costs the picker: the form opens without it (the trigger lasts 3 s).
 */
export async function knownClients(deps: ListenerDeps, teamId: string): Promise<Client[]> {
  try {
    return await deps.cases.knownClients(teamId);
  } catch (e) {
    deps.log.error('known clients not read', { err: e });
    return [];
  }
}
