import type {
  Installation,
  InstallationQuery,
  InstallationStore as SlackInstallationStore,
} from '@slack/bolt';
import type { Clock } from '../domain/clock.js';
import type { InstallationStore } from '../services/ports.js';

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
      throw new Error(
        query.isEnterpriseInstall
          ? `Amends is not installed in org ${query.enterpriseId}`
          : `Amends is not installed in workspace ${query.teamId}`,
      );
    const installation = found.latest as Installation<'v1' | 'v2', boolean>;
    if (query.userId && installation.user.id !== query.userId) {
      const own = found.user as Installation<'v1' | 'v2', boolean> | null;
      installation.user = own ? own.user : withoutUserTokens(installation.user, query.userId);
    }
    return installation;
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
