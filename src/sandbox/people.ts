/**
 * The sandbox's world: its two Slack workspaces, their people and channels, and how the page is
 * shown them. Data only; the fake Slack (fakeSlack.ts) is given it at each boot.
 */
import type { ChannelSharing, FakeSlack, FakeUser } from './fakeSlack.js';

/** A sandbox person: a Slack user, and the city the page names (a zone is named after another city). */
export interface SandboxUser extends FakeUser {
  readonly city: string;
}

/** The first user is the one the page starts as (English, so the copy reads in English). */
export const SANDBOX_USERS: readonly SandboxUser[] = [
  {
    id: 'U0JOAN0001',
    name: 'joan',
    realName: 'Joan Smith',
    tz: 'America/New_York',
    locale: 'en-US',
    city: 'New York',
    // A workspace admin: /incident export is for admins.
    admin: true,
  },
  {
    id: 'U0MARIA001',
    name: 'maria',
    realName: 'Maria Rossi',
    tz: 'Europe/Rome',
    locale: 'it-IT',
    city: 'Rome',
  },
  {
    id: 'U0NIKOS001',
    name: 'nikos',
    realName: 'Nikos Pappas',
    tz: 'Europe/Athens',
    locale: 'el-GR',
    city: 'Athens',
  },
  // Slack has no Catalan interface; some people set the locale anyway, and Amends speaks Catalan.
  {
    id: 'U0MONTSE01',
    name: 'montse',
    realName: 'Montse Puig',
    tz: 'Europe/Madrid',
    locale: 'ca-ES',
    city: 'Barcelona',
  },
];

/** Ids Slack would give channels (decodeMeta accepts `^[CGD][A-Z0-9]{2,}$`). */
export const SANDBOX_CHANNELS = [
  { id: 'C0SANDBOX1', name: 'general' },
  { id: 'C0SANDBOX2', name: 'accounts' },
] as const;

export const SANDBOX_TEAM = { id: 'T0SANDBOX1', domain: 'amends-sandbox', name: 'Amends sandbox' };
/** The app's bot user in every workspace. */
export const BOT_USER_ID = 'U0AMENDS01';

/** A Slack workspace of the sandbox: its people and channels (ids unique across workspaces). */
export interface SandboxWorkspace {
  readonly team: { readonly id: string; readonly domain: string; readonly name: string };
  readonly users: readonly SandboxUser[];
  readonly channels: readonly { readonly id: string; readonly name: string }[];
}

/**
 * The sandbox's two workspaces. Amends is installed in the first at start-up; the newcomer installs
 * it in the second with Add to Slack (the real install flow, against the fake Slack's consent page),
 * and sees that nothing of one workspace's cases shows in the other.
 */
export const SANDBOX_WORKSPACES: readonly SandboxWorkspace[] = [
  { team: SANDBOX_TEAM, users: SANDBOX_USERS, channels: SANDBOX_CHANNELS },
  {
    team: { id: 'T0SANDBOX2', domain: 'orchard-studio', name: 'Orchard Studio' },
    users: [
      {
        id: 'U0ALEX0001',
        name: 'alex',
        realName: 'Alex Morgan',
        tz: 'Europe/London',
        locale: 'en-GB',
        city: 'London',
        admin: true,
      },
      {
        id: 'U0ELENI001',
        name: 'eleni',
        realName: 'Eleni Kosta',
        tz: 'Europe/Athens',
        locale: 'el-GR',
        city: 'Thessaloniki',
      },
    ],
    channels: [
      { id: 'C0ORCHARD1', name: 'general' },
      { id: 'C0ORCHARD2', name: 'clients' },
    ],
  },
];

/** The sandbox app's client id (its fake Slack answers only this one at the consent page). */
export const SANDBOX_CLIENT_ID = '1000.2000';

/** How the page can mark a channel: shared with the client (Slack Connect), pending, or not. */
export const SHARINGS: readonly ChannelSharing[] = ['ext', 'pending', 'org', 'none'];

export const ALL_CHANNELS = SANDBOX_WORKSPACES.flatMap((ws) => ws.channels);
export const ALL_USERS = SANDBOX_WORKSPACES.flatMap((ws) => ws.users);

/**
 * The direct message channel Slack names in a user's `app_home_opened` event: the user's DM with
 * the app, where the fake Slack also puts what the bot posts to that user's id.
 */
export const homeChannel = (user: string) => `D${user.slice(1)}`;

/** The `channel.name` of an interaction payload: Slack names a DM "directmessage". */
export const channelName = (id: string) =>
  id.startsWith('D') ? 'directmessage' : (ALL_CHANNELS.find((c) => c.id === id)?.name ?? id);

/** A person as the page shows them. */
export const pageUser = (u: SandboxUser) => ({
  id: u.id,
  name: u.realName ?? u.name,
  handle: u.name,
  tz: u.tz,
  city: u.city,
  locale: u.locale ?? 'en-US',
});

const channelsOf = (ws: SandboxWorkspace, fake: FakeSlack) =>
  ws.channels.map((c) => ({ ...c, shared: fake.sharingOf(c.id) }));

/** Each workspace with its people and channels, and whether Amends is installed there. */
export const workspacesOf = (installed: ReadonlySet<string>, fake: FakeSlack) =>
  SANDBOX_WORKSPACES.map((ws) => ({
    team: ws.team,
    installed: installed.has(ws.team.id),
    users: ws.users.map(pageUser),
    channels: channelsOf(ws, fake),
  }));
