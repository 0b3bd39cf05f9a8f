/**
 * One running sandbox world (a bot and its fake Slack; Reset throws it away and builds another),
 * and what the parts of the sandbox share of it.
 */
import type { OffsetClock } from '../domain/clock.js';
import type { TickReport } from '../services/reminders.js';
import type { FakeSlack } from './fakeSlack.js';
import type { PageEphemeral } from './saved.js';

/**
 * What the sandbox asks of the bot it started: server.ts starts it with the production start-up
 * sequence (src/start.ts) and hands the rest of the sandbox this much of it.
 */
export interface SandboxBot {
  /** Resolves once the requests taken, their Slack calls included, are done. */
  idle(): Promise<void>;
  /** Forgets what the bot knows of a channel's sharing: the page's switch shows at once. */
  forgetSharing(channel: string): Promise<void>;
  /**
   * A reminder tick now, once the one running (if any) has ended; `before` moves the clock just
   * before it starts, so no tick sees half a move.
   */
  tick(before: () => void): Promise<TickReport>;
  /** The minute sweep now, once the one running (if any) has ended. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export interface World {
  readonly fake: FakeSlack;
  readonly bot: SandboxBot;
  readonly clock: OffsetClock;
  /** The bot's Events API and interactivity endpoint. */
  readonly botUrl: string;
  /** The bot's HTTP address (its /slack/install and /slack/oauth_redirect). */
  readonly botBase: string;
  readonly secret: string;
  /** The workspaces Amends is installed in (team ids). */
  readonly installed: Set<string>;
  readonly ephemerals: PageEphemeral[];
  /** Which sandbox user a modal belongs to (Slack opens a modal for the user whose trigger it was). */
  readonly viewOwner: Map<string, string>;
  readonly triggerOwner: Map<string, string>;
}

/** What the page's actions and the walk through time share with the server. */
export interface SandboxContext {
  /** The world now (a Reset replaces it). */
  world(): World;
  /** Whether the sandbox is closing. */
  closed(): boolean;
  /** Tells every open page (server-sent events). */
  broadcast(event: string, data: unknown): void;
  /** Saves the fake Slack's state beside the database. */
  persist(w: World): void;
  /** One turn at a time: a call waits for a Reset under way rather than meet a half-built world. */
  serial<T>(f: () => Promise<T>): Promise<T>;
}
