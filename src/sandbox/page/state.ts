/**
 * The page's state: the workspaces and people the stream named, who the viewer is, what is open.
 * One object the whole page reads and changes, as the server's events and the viewer's clicks come.
 */
import { type ChromeWord, PAGE_CHROME } from './chrome.js';
import type { Channel, Ephemeral, Form, Message, Team, User, View, Workspace } from './types.js';

export interface State {
  users: User[];
  channels: Channel[];
  bot: { id: string; name: string };
  team: Team | null;
  workspaces: Workspace[];
  /** The workspace shown (its team id), and who the viewer was and where, in each workspace. */
  ws: string | null;
  meOf: Record<string, string>;
  channelOf: Record<string, string>;
  me: string | null;
  channel: string | null;
  messages: Message[];
  ephemerals: Ephemeral[];
  /** The page's own notes (Slackbot's answers to what is not a command). */
  local: Ephemeral[];
  /** Ephemerals dismissed, by `channel:ts`. */
  hidden: Record<string, boolean>;
  thread: { channel: string; ts: string } | null;
  modal: { view: View; form: Form; user: string | null } | null;
  /** The sandbox clock's lead on this machine's, in ms. */
  offset: number;
  unread: Record<string, boolean>;
  /** A counter for ids unique in the page. */
  seq: number;
  /** App Home open, on its Home or Messages tab. */
  home: boolean;
  tab: 'home' | 'messages';
  homes: Record<string, View>;
  homeDrawn: { view: View | null; user: string | null } | null;
}

export const S: State = {
  users: [],
  channels: [],
  bot: { id: '', name: 'Amends' },
  team: null,
  workspaces: [],
  ws: null,
  meOf: {},
  channelOf: {},
  me: null,
  channel: null,
  messages: [],
  ephemerals: [],
  local: [],
  hidden: {},
  thread: null,
  modal: null,
  offset: 0,
  unread: {},
  seq: 0,
  home: false,
  tab: 'home',
  homes: {},
  homeDrawn: null,
};

/**
 * Redrawing and opening a thread, set by main.ts: what is drawn deep in a message (a link to a
 * thread, Dismiss on an ephemeral) calls them without importing the modules that draw the page.
 */
export const page = {
  render: (_forceBottom?: boolean): void => {},
  openThread: (_channel: string, _ts: string): void => {},
};

// ---------- people and places ----------
export function me(): User {
  return (
    S.users.find((u) => u.id === S.me) ??
    S.users[0] ?? { id: '', name: '?', tz: 'UTC', locale: 'en-US' }
  );
}
export function userById(id: string | null | undefined): User | undefined {
  return S.users.find((u) => u.id === id);
}
export function nameOf(id: string): string {
  if (id === S.bot.id) return S.bot.name;
  const u = userById(id);
  return u ? u.name : id;
}
export function channelById(id: string | null | undefined): Channel | undefined {
  return S.channels.find((c) => c.id === id);
}
/** The workspace shown, and any channel of any workspace (the stream names them all). */
export function currentWs(): Workspace | undefined {
  return S.workspaces.find((w) => w.team.id === S.ws) ?? S.workspaces[0];
}
export function anyChannel(id: string): Channel | undefined {
  for (const w of S.workspaces) {
    const c = w.channels.find((x) => x.id === id);
    if (c) return c;
  }
  return channelById(id);
}
export function installedHere(): boolean {
  const w = currentWs();
  return !w || w.installed;
}
/** A user's DM with the app: where Slack puts what the bot posts to their user id. */
export function dmOf(id: string | null): string {
  return `D${String(id || '').slice(1)}`;
}
export function isShared(c: Channel | undefined): boolean {
  return !!c && (c.shared === 'ext' || c.shared === 'pending');
}

// ---------- the page's words ----------
/** The page's chrome in the viewer's language (their Slack locale), English otherwise. */
export function chrome(key: ChromeWord, n?: number): string {
  const lang = String(me().locale || 'en')
    .slice(0, 2)
    .toLowerCase();
  const words =
    lang in PAGE_CHROME ? PAGE_CHROME[lang as keyof typeof PAGE_CHROME] : PAGE_CHROME.en;
  return String(words[key]).replace('{n}', String(n));
}
export function replyCount(n: number): string {
  return n === 1 ? chrome('reply') : chrome('replies', n);
}

// ---------- the clock ----------
/** Now on the sandbox clock, which the viewer can move forward. */
export function nowMs(): number {
  return Date.now() + S.offset;
}
export function setNow(iso: string): void {
  S.offset = Date.parse(iso) - Date.now();
}

// ---------- what a reload keeps ----------
/** What localStorage keeps across a reload: who the viewer was, where, in each workspace. */
export interface Saved {
  me?: string;
  channel?: string;
  home?: boolean;
  tab?: 'home' | 'messages';
  ws?: string;
  meOf?: Record<string, string>;
  channelOf?: Record<string, string>;
}
const KEY = 'amends-sandbox';

/** Notes who the viewer is and where, in the workspace shown (switching back returns there). */
export function keepPlace(): void {
  if (!S.ws) return;
  if (S.me !== null) S.meOf[S.ws] = S.me;
  if (S.channel !== null) S.channelOf[S.ws] = S.channel;
}
export function remember(): void {
  keepPlace();
  try {
    localStorage.setItem(
      KEY,
      JSON.stringify({
        me: S.me,
        channel: S.channel,
        home: S.home,
        tab: S.tab,
        ws: S.ws,
        meOf: S.meOf,
        channelOf: S.channelOf,
      }),
    );
  } catch {
    // Private mode: nothing is kept.
  }
}
export function saved(): Saved {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '{}') as Saved;
  } catch {
    return {};
  }
}
