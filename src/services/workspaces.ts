import type { InstallationStore, WorkspaceStore } from './ports.js';

/**
 * Pausing and resuming a workspace's reminders. Paused when the app is uninstalled or Slack refuses
 * the workspace's token; resumed when a post there succeeds again. A paused workspace's reminders
 * stay queued in the outbox (nothing is deleted) and go out once it is resumed.
 */
export class WorkspaceService {
  readonly #store: WorkspaceStore;
  /** Where installations are kept (OAuth mode); null with one workspace's token in the settings. */
  readonly #installations: InstallationStore | null;

  constructor(store: WorkspaceStore, installations: InstallationStore | null = null) {
    this.#store = store;
    this.#installations = installations;
  }

  async pause(teamId: string, reason: string, now: Date): Promise<void> {
    await this.#store.pause(teamId, reason, now);
  }

  async resume(teamId: string): Promise<void> {
    await this.#store.resume(teamId);
  }

  /**
   * The workspace uninstalled Amends (app_uninstalled, or tokens_revoked naming bot tokens, in
   * either order): all work there stops; its data is kept for the retention period.
   */
  async uninstalled(teamId: string, now: Date): Promise<void> {
    await this.#store.uninstalled(teamId, now);
    // Its tokens go at once (Slack's guidance), not with the rest of its data.
    await this.#installations?.delete({ teamId, isEnterpriseInstall: false });
  }

  /**
   * An org-wide install was removed (Enterprise Grid): its installation goes at once, and every
   * workspace seen through it is uninstalled as one would be. The workspaces, as known.
   */
  async orgUninstalled(enterpriseId: string, now: Date): Promise<string[]> {
    const teams = (await this.#installations?.teamsOf(enterpriseId)) ?? [];
    await this.#installations?.delete({ enterpriseId, isEnterpriseInstall: true });
    for (const team of teams) await this.#store.uninstalled(team, now);
    return teams;
  }

  /**
   * Deletes the data of every workspace uninstalled more than `retentionDays` before `now` (and
   * not installed again since); what was deleted, per workspace.
   */
  async purgeUninstalled(
    now: Date,
    retentionDays: number,
  ): Promise<{ teamId: string; deleted: Record<string, number> }[]> {
    const before = new Date(now.getTime() - retentionDays * 86_400_000);
    const done: { teamId: string; deleted: Record<string, number> }[] = [];
    for (const teamId of await this.#store.uninstalledBefore(before)) {
      const deleted = await this.#store.purge(teamId, before);
      if (deleted) done.push({ teamId, deleted });
    }
    return done;
  }

  /** Why the workspace's reminders are paused, or null when they are not. */
  async pausedReason(teamId: string): Promise<string | null> {
    return this.#store.pausedReason(teamId);
  }
}
