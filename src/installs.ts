import { WebClient } from '@slack/web-api';
import type { ComposeOptions } from './amends.js';
import type { Log } from './log.js';
import type { Metrics } from './ops/metrics.js';
import { webClientOptions } from './slack/boltApp.js';
import { NotInstalled, type Refreshed, SlackInstallations } from './slack/installations.js';
import type { Store } from './store/index.js';
import { InstallationRepo } from './store/installationRepo.js';
import { TokenCipher } from './store/tokenCipher.js';

/** What many workspaces (OAuth) add to the composition. */
export interface Installs {
  /** Our installations, sealed at rest: the uninstall deletes through it. */
  readonly repo: InstallationRepo;
  /** Bolt's installation store over it, with token rotation done once per workspace. */
  readonly slack: SlackInstallations;
  /** A workspace's bot token now (refreshed first when it is about to expire). */
  readonly tokenOf: (team: string) => Promise<string>;
  /** Records that a workspace's request came through its org's install (once per process). */
  readonly seenInOrg: (team: string, enterprise: string) => Promise<void>;
}

/**
 * Installs in many workspaces (config.oauth; null without): the installations in our database
 * (either engine), sealed with AMENDS_ENCRYPTION_KEY; a refresh of a rotating token under a lease,
 * so replicas never spend one refresh token twice; each refresh's outcome counted (/metrics) and
 * logged (never the token).
 */
export function installations(
  o: Pick<ComposeOptions, 'config' | 'clock' | 'slackTimeoutMs'>,
  store: Store,
  holder: string,
  log: Log,
  metrics: Metrics,
): Installs | null {
  const { oauth, slackApiUrl } = o.config;
  if (!oauth) return null;
  const { clock, slackTimeoutMs } = o;
  const repo = new InstallationRepo(store.conn, new TokenCipher(oauth.keys));
  const oauthClient = new WebClient(undefined, webClientOptions({ slackApiUrl, slackTimeoutMs }));
  const slack = new SlackInstallations(repo, clock, {
    leases: store.repos.leases,
    holder,
    refresh: async (refreshToken) =>
      (await oauthClient.oauth.v2.access({
        client_id: oauth.clientId,
        client_secret: oauth.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      })) as unknown as Refreshed,
    onRefresh: (outcome, team) => {
      if (outcome !== 'read_another') metrics.tokenRefreshes.inc({ outcome });
      if (outcome === 'failed') log.error(`token refresh: ${outcome}`, { team });
      else log.info(`token refresh: ${outcome}`, { team });
    },
    onStored: (team) => store.repos.workspaces.resume(team),
  });
  const seen = new Set<string>();
  return {
    repo,
    slack,
    async tokenOf(team) {
      // The workspace's own installation (one read), else that of the org it was seen in
      // (Enterprise Grid).
      const own = { teamId: team, enterpriseId: undefined, isEnterpriseInstall: false };
      const i = await slack.fetchInstallation(own).catch(async (e: unknown) => {
        const org = e instanceof NotInstalled ? await repo.orgOf(team) : null;
        if (!org) throw e;
        return slack.fetchInstallation({
          teamId: team,
          enterpriseId: org,
          isEnterpriseInstall: true,
        });
      });
      if (!i.bot?.token) throw new Error(`the installation of workspace ${team} has no bot token`);
      return i.bot.token;
    },
    async seenInOrg(team, enterprise) {
      // Written once per process and workspace, before the request's work (its jobs need it).
      const key = `${team}:${enterprise}`;
      if (seen.has(key)) return;
      try {
        await repo.seenInOrg(team, enterprise, clock.now().getTime());
        seen.add(key);
      } catch (e) {
        log.error('could not record a workspace’s org', { team, enterprise, err: e });
      }
    },
  };
}
