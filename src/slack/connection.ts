import type { App, InstallationStore, webApi } from '@slack/bolt';
import type { Lang } from '../i18n/index.js';
import type { InWorkspace } from '../services/ports.js';
import { type BoltAppOptions, busyText, createBoltApp, webClientOptions } from './boltApp.js';
import { Gate } from './gate.js';
import { forTeam, TeamClient, type TokenOf } from './teamClient.js';

/**
 * The gate around every request: at most `maxInFlight` worked on at once (default 1000), none
 * acknowledged later than `boundMs` after it arrived (default 2000 ms). A slash command it cannot
 * take is answered "busy" in the person's cached language (`langOf`), else the default.
 */
export function slackGate(o: {
  readonly maxInFlight?: number | undefined;
  readonly boundMs?: number | undefined;
  readonly defaultLang: Lang;
  readonly langOf: (teamId: string, userId: string) => Promise<Lang>;
}): Gate {
  return new Gate({
    maxInFlight: o.maxInFlight ?? 1000,
    boundMs: o.boundMs ?? 2000,
    busyText: busyText(o.defaultLang, o.langOf),
  });
}

/** What installs in many workspaces (OAuth) hand the Slack side (src/installs.ts builds it). */
export interface SlackInstalls {
  /** Bolt's installation store. */
  readonly slack: InstallationStore;
  /** A workspace's bot token now. */
  readonly tokenOf: TokenOf;
  /** Records that a workspace's request came through its org's install. */
  readonly seenInOrg: (teamId: string, enterpriseId: string) => Promise<void>;
}

/** The Bolt app and the Web API client every adapter calls Slack with. */
export interface SlackConnection {
  readonly app: App;
  readonly client: webApi.WebClient;
  /** Many workspaces: runs background work as a workspace's (its token); one workspace: none. */
  readonly inWorkspace?: InWorkspace;
}

/**
 * The Bolt app (its own receiver, the gate in front) and its client. One workspace: Bolt's client
 * with the bot token. Many (`installed`): each call with its workspace's token (TeamClient).
 */
export function connectSlack(
  o: BoltAppOptions & { readonly installed: SlackInstalls | null },
): SlackConnection {
  const { installed, ...bolt } = o;
  const app = createBoltApp({
    ...bolt,
    ...(installed
      ? { installationStore: installed.slack, onOrgWorkspace: installed.seenInOrg }
      : {}),
  });
  if (!installed) return { app, client: app.client };
  const client = new TeamClient(
    installed.tokenOf,
    webClientOptions({
      slackApiUrl: o.config.slackApiUrl,
      slackTimeoutMs: o.slackTimeoutMs,
      observeSlack: o.observeSlack,
    }),
  );
  return { app, client, inWorkspace: (team, fn) => forTeam(team, fn) };
}
