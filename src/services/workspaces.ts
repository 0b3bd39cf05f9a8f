import type { WorkspaceStore } from './ports.js';

/**
 * Pausing and resuming a workspace's reminders. Paused when the app is uninstalled or Slack refuses
 * the workspace's token; resumed when a post there succeeds again. A paused workspace's reminders
 * stay queued in the outbox (nothing is deleted) and go out once it is resumed.
 */
export class WorkspaceService {
  readonly #store: WorkspaceStore;

  constructor(store: WorkspaceStore) {
    this.#store = store;
  }

  async pause(teamId: string, reason: string, now: Date): Promise<void> {
    await this.#store.pause(teamId, reason, now);
  }

  async resume(teamId: string): Promise<void> {
    await this.#store.resume(teamId);
  }

  /** Why the workspace's reminders are paused, or null when they are not. */
  async pausedReason(teamId: string): Promise<string | null> {
    return this.#store.pausedReason(teamId);
  }
}
