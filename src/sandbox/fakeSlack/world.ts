/**
 * The fake Slack's world: its workspaces, people and channels, and everything the Web API changes
 * (messages, views, files and uploads, channel membership and sharing, installs). The API families
 * read and change it; it tells listeners through its emitter. It knows nothing of HTTP.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type {
  ChannelSharing,
  FakeApp,
  FakeSlackEvents,
  FakeSlackOptions,
  FakeUser,
  FakeWorkspace,
  RecordedCall,
  StoredEphemeral,
  StoredFile,
  StoredMessage,
  StoredResponse,
  StoredView,
} from './types.js';
import { zoneInfo } from './values.js';

/** An upload started with files.getUploadURLExternal and not completed yet. */
export interface PendingUpload {
  readonly id: string;
  readonly key: string;
  readonly filename: string;
  readonly length: number;
  /** Null until the bytes are POSTed to the upload URL. */
  content: Buffer | null;
}

export class FakeWorld {
  readonly now: () => Date;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** The Socket Mode server apps.connections.open points at (absent: that method is a gap). */
  readonly socketModeUrl: string | undefined;
  /** The default workspace first, then the others. */
  readonly workspaces: readonly FakeWorkspace[];
  readonly users: ReadonlyMap<string, FakeUser>;
  private readonly channelNames: ReadonlyMap<string, string>;
  /** Which workspace a person or a channel (a DM: its person's) belongs to, when one was named. */
  private readonly ownerOf = new Map<string, string>();

  readonly emitter = new EventEmitter<FakeSlackEvents>();
  readonly calls: RecordedCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: StoredEphemeral[] = [];
  /** Modals by view id. */
  readonly views = new Map<string, StoredView>();
  /** Published App Home views by user id. */
  readonly homeViews = new Map<string, StoredView>();
  readonly responses: StoredResponse[] = [];
  readonly archived = new Set<string>();
  readonly kicked = new Set<string>();
  readonly sharing = new Map<string, ChannelSharing>();
  /** Direct messages opened with conversations.open (a second open answers `already_open`). */
  readonly openedIms = new Set<string>();
  /** Uploads completed with files.completeUploadExternal, oldest first. */
  readonly files: StoredFile[] = [];
  /** Uploads not completed yet, by file id. */
  readonly uploads = new Map<string, PendingUpload>();
  /** The secret part of an upload_url → the file id it uploads. */
  readonly uploadKeys = new Map<string, string>();
  /** This server's own address, known once it listens (upload URLs and url_private point here). */
  base = '';

  /** The app installs go to, and the workspaces that have it. */
  app: FakeApp | null = null;
  readonly installed = new Set<string>();
  /** Tokens issued by oauth.v2.access so far (each token names its number). */
  grants = 0;
  /** Refresh token → its workspace; each can be spent once, as Slack's. */
  readonly refreshTokens = new Map<string, string>();
  /** Socket Mode tickets issued so far. */
  tickets = 0;

  private lastSec = 0;
  private lastMicro = 0;

  constructor(opts: FakeSlackOptions) {
    this.now = opts.now ?? (() => new Date());
    this.teamId = opts.teamId ?? 'TFAKETEAM1';
    this.botUserId = opts.botUserId ?? 'UFAKEBOT01';
    this.botId = `B${this.botUserId.slice(1)}`;
    this.socketModeUrl = opts.socketModeUrl;
    this.workspaces = [
      {
        id: this.teamId,
        name: opts.teamName ?? 'Fake Team',
        users: opts.users ?? [],
        channels: opts.channels ?? [],
      },
      ...(opts.workspaces ?? []),
    ];
    const all = this.workspaces;
    this.users = new Map(all.flatMap((w) => (w.users ?? []).map((u) => [u.id, u] as const)));
    this.channelNames = new Map(
      all.flatMap((w) => (w.channels ?? []).map((c) => [c.id, c.name] as const)),
    );
    for (const w of all) {
      for (const u of w.users ?? []) {
        this.ownerOf.set(u.id, w.id);
        this.ownerOf.set(`D${u.id.slice(1)}`, w.id);
      }
      for (const c of w.channels ?? []) this.ownerOf.set(c.id, w.id);
    }
    for (const u of this.users.values()) zoneInfo(u.tz, this.now()); // throws early on a bad zone
  }

  /** The workspace a token belongs to (the default workspace's for a token naming none). */
  readonly teamOfToken = (token: string): string => {
    const named = /^(?:xoxe\.)?xox[bp]-(T[A-Z0-9]+)-/.exec(token)?.[1];
    return named && this.workspaces.some((w) => w.id === named) ? named : this.teamId;
  };

  /** The workspace a person or channel was named in, if any. */
  teamOf(id: string): string | undefined {
    return this.ownerOf.get(id);
  }

  /** Another workspace's channel, person or DM: Slack does not find it with `team`'s token. */
  foreign(id: string, team: string): boolean {
    const owner = this.ownerOf.get(id);
    return owner !== undefined && owner !== team;
  }

  nameOf(id: string): string {
    return this.channelNames.get(id) ?? id.toLowerCase();
  }

  /** A message ts: the clock's second and a counter, increasing like Slack's. */
  nextTs(): string {
    const sec = Math.floor(this.now().getTime() / 1000);
    if (sec > this.lastSec) [this.lastSec, this.lastMicro] = [sec, 100];
    else if (this.lastMicro + 100 > 999_999)
      [this.lastSec, this.lastMicro] = [this.lastSec + 1, 100];
    else this.lastMicro += 100;
    return `${this.lastSec}.${String(this.lastMicro).padStart(6, '0')}`;
  }

  newId(prefix: string): string {
    return prefix + randomBytes(5).toString('hex').toUpperCase();
  }

  newHash(): string {
    return `${Math.floor(this.now().getTime() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  readonly findMessage = (channel: string, ts: string): StoredMessage | undefined =>
    this.messages.find((m) => m.channel === channel && m.ts === ts);

  /** Stores a new message (a reply counts in its parent's thread) and tells the listeners. */
  store(msg: StoredMessage, threadTs: string | undefined, broadcast = false): void {
    if (threadTs) {
      const parent = this.findMessage(msg.channel, threadTs);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = msg.ts;
      }
      msg.thread_ts = threadTs;
      if (broadcast) msg.reply_broadcast = true;
    }
    this.messages.push(msg);
    this.emitter.emit('message', msg);
  }

  /** Removes a stored message (a reply no longer counts in its parent's thread) and tells the listeners. */
  remove(msg: StoredMessage): void {
    this.messages.splice(this.messages.indexOf(msg), 1);
    if (msg.thread_ts && msg.thread_ts !== msg.ts) {
      const parent = this.findMessage(msg.channel, msg.thread_ts);
      if (parent?.reply_count) parent.reply_count -= 1;
    }
    this.emitter.emit('delete', msg);
  }

  /** Forgets what the calls did (not the clock, the tokens issued or the app). */
  reset(): void {
    for (const list of [this.calls, this.messages, this.ephemerals, this.responses, this.files])
      list.length = 0;
    for (const coll of [
      this.views,
      this.homeViews,
      this.archived,
      this.kicked,
      this.sharing,
      this.uploads,
      this.uploadKeys,
      this.openedIms,
      this.installed,
    ])
      coll.clear();
  }
}
