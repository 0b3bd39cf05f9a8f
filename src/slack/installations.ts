import type {
  Installation,
  InstallationQuery,
  InstallationStore as SlackInstallationStore,
} from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import type {
  InstallationStore,
  LeaseStore,
  InstallationQuery as StoreQuery,
} from '../services/ports.js';

/** What Slack's `oauth.v2.access` answers to a refresh (`grant_type=refresh_token`). */
export interface Refreshed {
  readonly access_token: string;
  readonly refresh_token: string;
  /** Seconds the new access token lives. */
  readonly expires_in: number;
}

/**
 * Token rotation done here, before Bolt would do it: a bot token expiring within `aheadMs` is
 * refreshed by one process at a time per workspace (a lease in the database), and the others read
 * the result. Two processes spending one refresh token is the failure this prevents: Slack accepts
 * the first, refuses the second, and the loser keeps an old token that soon stops working. Bolt
 * refreshes inside `authorize` when a token has under 2 hours left; refreshing 3 hours ahead keeps
 * it from ever doing so, on requests and on the jobs that call Slack with no request alike.
 */
export interface RotationOptions {
  readonly leases: LeaseStore;
  /** This process in the leases. */
  readonly holder: string;
  /** Calls oauth.v2.access with the refresh token. */
  readonly refresh: (refreshToken: string) => Promise<Refreshed>;
  /** Default 3 hours. */
  readonly aheadMs?: number;
  /** Between two looks at a refresh another process is doing (default 250 ms). */
  readonly wait?: (ms: number) => Promise<void>;
  /** Told each refresh's outcome (metrics, the log). */
  readonly onRefresh?: (outcome: 'refreshed' | 'failed' | 'read_another', team: string) => void;
  /**
   * Told after a workspace's installation is saved (installed, installed again, or a token
   * refreshed): a workspace paused or uninstalled before works again.
   */
  readonly onStored?: (teamId: string) => Promise<void>;
}

const REFRESH_LEASE_MS = 30_000;
/** How long a process waits for another's refresh before using the token it has. */
const WAIT_FOR_OTHER_MS = 15_000;

/** A person asking who did not install Amends themselves: the installer's id kept, no user token. */
function withoutUserTokens(user: Installation['user'], id: string): Installation['user'] {
  return {
    ...user,
    id,
    token: undefined,
    refreshToken: undefined,
    expiresAt: undefined,
    scopes: undefined,
  };
}

/** No installation answers the query (Bolt answers the request and does nothing). */
export class NotInstalled extends Error {
  override readonly name = 'NotInstalled';
}

/**
 * Bolt's installation store (what its `InstallProvider` reads and writes through the OAuth flow,
 * `authorize` and token refreshes) over ours: the same semantics as Bolt's own file store (the
 * workspace's latest installation, with the asking user's own user token when they have one),
 * kept in our database on either engine, sealed.
 */
export class SlackInstallations implements SlackInstallationStore {
  constructor(
    private readonly store: InstallationStore,
    private readonly clock: Clock,
    private readonly rotation: RotationOptions | null = null,
  ) {}

  async storeInstallation<V extends 'v1' | 'v2'>(
    installation: Installation<V, boolean>,
  ): Promise<void> {
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    await this.store.save(
      {
        enterpriseId: installation.enterprise?.id ?? null,
        teamId: installation.team?.id ?? null,
        isEnterpriseInstall,
        userId: installation.user.id,
        installation,
      },
      this.clock.now().getTime(),
    );
    const team = installation.team?.id;
    if (team && !isEnterpriseInstall) await this.rotation?.onStored?.(team);
  }

  async fetchInstallation(
    query: InstallationQuery<boolean>,
  ): Promise<Installation<'v1' | 'v2', boolean>> {
    const found = await this.store.find({
      enterpriseId: query.enterpriseId ?? null,
      teamId: query.teamId ?? null,
      isEnterpriseInstall: query.isEnterpriseInstall === true,
      userId: query.userId ?? null,
    });
    if (!found)
      // Bolt turns this into its authorization error: the request is answered, nothing is done.
      throw new NotInstalled(
        query.isEnterpriseInstall
          ? `Amends is not installed in org ${query.enterpriseId}`
          : `Amends is not installed in workspace ${query.teamId}`,
      );
    let installation = found.latest as Installation<'v1' | 'v2', boolean>;
    const q: StoreQuery = {
      enterpriseId: query.enterpriseId ?? null,
      teamId: query.teamId ?? null,
      isEnterpriseInstall: query.isEnterpriseInstall === true,
    };
    if (this.#expiring(installation)) installation = await this.#fresh(q, installation);
    if (query.userId && installation.user.id !== query.userId) {
      const own = found.user as Installation<'v1' | 'v2', boolean> | null;
      installation.user = own ? own.user : withoutUserTokens(installation.user, query.userId);
    }
    return installation;
  }

  /** A rotated bot token with less than `aheadMs` left. */
  #expiring(i: Installation<'v1' | 'v2', boolean>): boolean {
    if (!this.rotation || !i.bot?.refreshToken || !i.bot.expiresAt) return false;
    const ahead = this.rotation.aheadMs ?? 3 * 3_600_000;
    return i.bot.expiresAt * 1000 - this.clock.now().getTime() < ahead;
  }

  /**
   * The installation with a fresh bot token: refreshed here under the workspace's lease, or read
   * once another process has refreshed it. If neither happens in time, the token it has (still
   * valid for hours: the refresh runs well ahead).
   */
  async #fresh(
    q: StoreQuery,
    had: Installation<'v1' | 'v2', boolean>,
  ): Promise<Installation<'v1' | 'v2', boolean>> {
    const r = this.rotation as RotationOptions;
    const key = `token-refresh:${q.isEnterpriseInstall ? `E:${q.enterpriseId}` : `T:${q.teamId}`}`;
    const team = (q.isEnterpriseInstall ? q.enterpriseId : q.teamId) ?? '';
    const wait = r.wait ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
    const reread = async () =>
      ((await this.store.find(q))?.latest ?? had) as Installation<'v1' | 'v2', boolean>;
    const giveUpAt = Date.now() + WAIT_FOR_OTHER_MS;
    let current = had;
    for (;;) {
      if (await r.leases.take(key, r.holder, this.clock.now(), REFRESH_LEASE_MS)) {
        try {
          // Another process may have refreshed between our read and the lease.
          current = await reread();
          if (!this.#expiring(current)) {
            r.onRefresh?.('read_another', team);
            return current;
          }
          const bot = current.bot as NonNullable<Installation['bot']>;
          let got: Refreshed;
          try {
            got = await r.refresh(bot.refreshToken as string);
          } catch (e) {
            r.onRefresh?.('failed', team);
            throw e;
          }
          const updated = {
            ...current,
            bot: {
              ...bot,
              token: got.access_token,
              refreshToken: got.refresh_token,
              expiresAt: Math.floor(this.clock.now().getTime() / 1000) + got.expires_in,
            },
          } as Installation<'v1' | 'v2', boolean>;
          await this.storeInstallation(updated);
          r.onRefresh?.('refreshed', team);
          return updated;
        } finally {
          await r.leases.release(key, r.holder);
        }
      }
      await wait(250);
      current = await reread();
      if (!this.#expiring(current)) {
        r.onRefresh?.('read_another', team);
        return current;
      }
      if (Date.now() > giveUpAt) return current;
    }
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.store.delete({
      enterpriseId: query.enterpriseId ?? null,
      teamId: query.teamId ?? null,
      isEnterpriseInstall: query.isEnterpriseInstall === true,
      userId: query.userId ?? null,
    });
  }
}
