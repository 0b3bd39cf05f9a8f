import { type ListenerDeps, teamOf } from '../deps.js';
import type { EventArgs } from './event.js';

/**
 * Uninstalled, or the bot's token revoked (the two come in either order): every piece of work for
 * that workspace stops and its tokens are deleted at once; its cases are kept for the retention
 * period (UNINSTALLED_RETENTION_DAYS), then deleted.
 */
async function uninstalled(
  deps: ListenerDeps,
  body: unknown,
  context: { teamId?: string },
  why: string,
): Promise<void> {
  // An org-wide install (Enterprise Grid) removed: the org's installation and its workspaces.
  const b = body as {
    enterprise_id?: string;
    is_enterprise_install?: boolean;
    authorizations?: { is_enterprise_install?: boolean }[];
  };
  const org = b.is_enterprise_install ?? b.authorizations?.[0]?.is_enterprise_install ?? false;
  if (org && b.enterprise_id) {
    const teams = await deps.workspaces.orgUninstalled(b.enterprise_id, deps.cases.now());
    deps.log.info(
      'org uninstalled: its workspaces’ work stopped, tokens deleted, data kept for the retention period',
      {
        enterprise: b.enterprise_id,
        teams,
        why,
      },
    );
    return;
  }
  const team = teamOf(body) ?? context.teamId ?? null;
  if (!team) return;
  await deps.workspaces.uninstalled(team, deps.cases.now());
  deps.log.info(
    'workspace uninstalled: work stopped, tokens deleted, data kept for the retention period',
    {
      team,
      why,
    },
  );
}

/** app_uninstalled: see `uninstalled`. */
export function appUninstalled(deps: ListenerDeps) {
  return async ({ body, context }: EventArgs<'app_uninstalled'>): Promise<void> =>
    uninstalled(deps, body, context, 'app_uninstalled');
}

/** tokens_revoked: the bot's token is as an uninstall; user tokens alone change nothing (Amends holds none). */
export function tokensRevoked(deps: ListenerDeps) {
  return async ({ event, body, context }: EventArgs<'tokens_revoked'>): Promise<void> => {
    const bot = (event as { tokens?: { bot?: unknown[] } }).tokens?.bot ?? [];
    if (bot.length > 0) return uninstalled(deps, body, context, 'tokens_revoked');
    deps.log.info('user tokens revoked: Amends holds none, nothing to do', { team: teamOf(body) });
  };
}
