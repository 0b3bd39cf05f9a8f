import type { Clock } from '../domain/clock.js';
import type { CaseService } from './cases.js';
import type { Log } from './ports.js';
import type { WorkspaceService } from './workspaces.js';

/**
 * Hourly upkeep: idempotency keys older than a day dropped, and the data of workspaces
 * uninstalled longer ago than the retention period deleted (each workspace logged).
 */
export function housekeeping(d: {
  readonly cases: CaseService;
  readonly workspaces: WorkspaceService;
  readonly clock: Clock;
  readonly retentionDays: number;
  readonly log: Log;
}): () => Promise<void> {
  return async () => {
    await d.cases.forgetOldRequests();
    for (const { teamId, deleted } of await d.workspaces.purgeUninstalled(
      d.clock.now(),
      d.retentionDays,
    ))
      d.log.info('workspace data deleted: uninstalled longer ago than the retention period', {
        team: teamId,
        retentionDays: d.retentionDays,
        rows: deleted,
      });
  };
}
