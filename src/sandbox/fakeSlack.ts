/**
 * A local fake of the Slack Web API. Point a WebClient at it with `slackApiUrl: fake.url`.
 * It keeps Slack's request format (form-urlencoded or JSON POST to /api/<method>), its response
 * shapes and its error codes, records every call, and emits events so a sandbox page can render
 * what the bot "posted". Methods it does not emulate answer `unknown_method`, so gaps fail loudly.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  /** IANA zone, e.g. "Europe/Paris". */
  tz: string;
  locale?: string;
  /** A workspace admin (users.info `is_admin`). */
  admin?: boolean;
}

export type Args = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  args: Args;
  at: number;
  token?: string;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string;
  user: string;
  bot_id: string;
  blocks?: unknown[];
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  reply_broadcast?: boolean;
  metadata?: MessageMetadata;
  edited?: { user: string; ts: string };
  /** A file share (files.completeUploadExternal): `subtype: 'file_share'`, `upload: true` and the files. */
  subtype?: 'file_share';
  upload?: boolean;
  display_as_bot?: boolean;
  files?: SlackFile[];
}

/** A file object as Slack returns it (files.completeUploadExternal, a message's `files`). */
export interface SlackFile {
  id: string;
  created: number;
  timestamp: number;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  pretty_type: string;
  user: string;
  user_team: string;
  editable: boolean;
  size: number;
  mode: 'hosted';
  is_external: boolean;
  external_type: string;
  is_public: boolean;
  public_url_shared: boolean;
  display_as_bot: boolean;
  username: string;
  url_private: string;
  url_private_download: string;
  permalink: string;
  channels: string[];
  groups: string[];
  ims: string[];
  comments_count: number;
  shares?: Partial<Record<'public' | 'private', Record<string, Args[]>>>;
  has_rich_preview: boolean;
  file_access: 'visible';
}

/** An upload finished with files.completeUploadExternal: the bytes and where they were shared. */
export interface StoredFile {
  id: string;
  filename: string;
  title: string;
  /** Null: completed without a channel (a private file). */
  channel: string | null;
  thread_ts?: string;
  initial_comment?: string;
  content: Buffer;
  mimetype: string;
  /** When it was completed (the fake's clock, ms). */
  at: number;
  /** The workspace it was uploaded in (absent: the fake's default workspace). */
  team?: string;
  /** The ts of the message that shared it, if it was shared. */
  message_ts?: string;
}

/** How a channel is shared: with another organisation (Slack Connect), an invitation pending, within an Enterprise org. */
export type ChannelSharing = 'ext' | 'pending' | 'org' | 'none';

export interface StoredEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
}

export interface StoredView {
  id: string;
  team_id: string;
  type: string;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, unknown> };
  hash: string;
  title: unknown;
  submit: unknown;
  close: unknown;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface StoredResponse {
  /** The part of the URL after `/response/`. */
  path: string;
  body: {
    text?: string;
    blocks?: unknown[];
    response_type?: string;
    replace_original?: boolean;
    delete_original?: boolean;
  } & Args;
  at: number;
}

export type FailureSpec =
  | string
  | { status: 429; retryAfter: number }
  | { status: 500 }
  /** What a load balancer in front of Slack answers when Slack is down: an HTML page. */
  | { status: 502; html: true }
  | { delayMs: number };

export interface FakeSlackEvents {
  message: [StoredMessage];
  update: [StoredMessage];
  delete: [StoredMessage];
  ephemeral: [StoredEphemeral];
  view: [StoredView];
  home: [{ userId: string; view: StoredView }];
  response: [StoredResponse];
  call: [RecordedCall];
}

export interface FakeSlackOptions {
  port?: number;
  host?: string;
  /** How long each Web API call takes; a function draws it per call (random latencies). */
  latencyMs?: number | (() => number);
  users?: FakeUser[];
  /** Channels' names (conversations.info `name`); any other channel is named by its id in lower case. */
  channels?: readonly { readonly id: string; readonly name: string }[];
  teamId?: string;
  /** The default workspace's name (auth.test, the consent page). */
  teamName?: string;
  /**
   * More workspaces, each with its own people and channels (ids unique across them). A call's
   * workspace is its token's (`xoxb-<team>-<n>`, as oauth.v2.access issues them; any other token is
   * the default workspace's), and a call naming another workspace's channel, person or view is
   * refused as Slack would (channel_not_found, user_not_found, not_found).
   */
  workspaces?: readonly FakeWorkspace[];
  botUserId?: string;
  now?: () => Date;
  /**
   * A Socket Mode server (`ws://…`): apps.connections.open answers it, with a fresh ticket each
   * time as Slack does. Without it that method answers `unknown_method`, like any other gap.
   */
  socketModeUrl?: string;
}

export interface FakeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly users?: readonly FakeUser[];
  readonly channels?: readonly { readonly id: string; readonly name: string }[];
}

/** The app installs go to (the consent page's Allow sends the admin back there with a code). */
export interface FakeApp {
  readonly clientId: string;
  readonly name: string;
  /** The app's configured Redirect URL (Bolt's /slack/oauth_redirect). */
  readonly redirectUrl: string;
}

export interface FakeSlack extends EventEmitter<FakeSlackEvents> {
  readonly url: string;
  readonly responseUrlBase: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly calls: RecordedCall[];
  readonly messages: StoredMessage[];
  readonly ephemerals: StoredEphemeral[];
  /** Modals by view id. */
  readonly views: Map<string, StoredView>;
  /** Published App Home views by user id. */
  readonly homeViews: Map<string, StoredView>;
  readonly responses: StoredResponse[];
  /** Uploads completed with files.completeUploadExternal, oldest first. */
  readonly files: StoredFile[];
  callsTo(method: string): RecordedCall[];
  findMessage(channel: string, ts: string): StoredMessage | undefined;
  failNext(method: string, error: FailureSpec, times?: number): void;
  /**
   * Slack hangs: every Web API call from now on is recorded but not answered until the returned
   * function is called (a test can then look at what the bot did while Slack was silent).
   */
  hold(): () => void;
  /** Resolves once no Web API request is being answered (the requests already received are stored). */
  idle(): Promise<void>;
  archiveChannel(id: string): void;
  kickFromChannel(id: string): void;
  /** The bot is invited (back) into a channel. */
  inviteToChannel(id: string): void;
  /**
   * Shares a channel with another organisation (Slack Connect, `ext`), or marks an invitation to do
   * so as pending, or shares it between workspaces of one Enterprise org (`org`); `none` unshares.
   * conversations.info reports it in Slack's `is_shared` / `is_ext_shared` / `is_org_shared` /
   * `is_pending_ext_shared` flags.
   */
  shareChannel(id: string, how: ChannelSharing): void;
  /** How a channel is shared (`none` unless shareChannel said otherwise). */
  sharingOf(id: string): ChannelSharing;
  /**
   * The app installs go to: its consent page (`/oauth/v2/authorize`, what Bolt's /slack/install
   * sends the admin to) answers only this client id, and sends the admin back to its Redirect URL.
   */
  registerApp(app: FakeApp): void;
  /** Marks a workspace as having the app (the consent page then offers the others first). */
  markInstalled(team: string): void;
  /** The workspace a token belongs to (the default workspace's for a token naming none). */
  teamOfToken(token: string): string;
  reset(): void;
  close(): Promise<void>;
}

const PERMALINK_HOST = 'https://fake.slack.test';
const APP_ID = 'AFAKEAPP01';
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'] as const;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class SlackError extends Error {}
const fail = (code: string): never => {
  throw new SlackError(code);
};

const str = (a: Args, k: string): string | undefined => {
  const v = a[k];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};
const truthy = (v: unknown): boolean =>
  v === true || v === 1 || (typeof v === 'string' && v !== '' && v !== 'false' && v !== '0');
const isObject = (v: unknown): v is Args =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Real current UTC offset (seconds) and long label of an IANA zone. */
function zoneInfo(tz: string, at: Date): { offset: number; label: string } {
  const part = (style: 'longOffset' | 'long') =>
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
  return { offset, label: part('long') };
}

interface PendingUpload {
  readonly id: string;
  readonly key: string;
  readonly filename: string;
  readonly length: number;
  /** Null until the bytes are POSTed to the upload URL. */
  content: Buffer | null;
}

const FILE_TYPES: Record<string, [mimetype: string, filetype: string, pretty: string]> = {
  csv: ['text/csv', 'csv', 'CSV'],
  ics: ['text/calendar', 'text', 'Plain Text'],
  txt: ['text/plain', 'text', 'Plain Text'],
  json: ['application/json', 'json', 'JSON'],
  pdf: ['application/pdf', 'pdf', 'PDF'],
  png: ['image/png', 'png', 'PNG'],
  jpg: ['image/jpeg', 'jpg', 'JPEG'],
  jpeg: ['image/jpeg', 'jpg', 'JPEG'],
};

/** Slack's mimetype / filetype / pretty_type for a file name (by its extension). */
function typeOf(filename: string): { mimetype: string; filetype: string; pretty_type: string } {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  const [mimetype, filetype, pretty_type] = FILE_TYPES[ext] ?? [
    'application/octet-stream',
    'binary',
    'Binary',
  ];
  return { mimetype, filetype, pretty_type };
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function parseBody(raw: string, contentType: string, query: URLSearchParams): Args {
  const args: Args = Object.fromEntries(query);
  if (contentType.includes('application/json')) {
    const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    if (!isObject(parsed)) fail('invalid_json');
    return Object.assign(args, parsed);
  }
  Object.assign(args, Object.fromEntries(new URLSearchParams(raw)));
  for (const field of JSON_FIELDS) {
    const v = args[field];
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
      try {
        args[field] = JSON.parse(v);
      } catch {
        fail(field === 'blocks' ? 'invalid_blocks' : 'invalid_arguments');
      }
    }
  }
  return args;
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = opts.now ?? (() => new Date());
  const teamId = opts.teamId ?? 'TFAKETEAM1';
  const botUserId = opts.botUserId ?? 'UFAKEBOT01';
  const botId = `B${botUserId.slice(1)}`;
  const latencyMs = opts.latencyMs ?? 0;
  const workspaces: FakeWorkspace[] = [
    {
      id: teamId,
      name: opts.teamName ?? 'Fake Team',
      users: opts.users ?? [],
      channels: opts.channels ?? [],
    },
    ...(opts.workspaces ?? []),
  ];
  const users = new Map(workspaces.flatMap((w) => (w.users ?? []).map((u) => [u.id, u] as const)));
  const channelNames = new Map(
    workspaces.flatMap((w) => (w.channels ?? []).map((c) => [c.id, c.name] as const)),
  );
  /** Which workspace a person or a channel (a DM: its person's) belongs to, when one was named. */
  const ownerOf = new Map<string, string>();
  for (const w of workspaces) {
    for (const u of w.users ?? []) {
      ownerOf.set(u.id, w.id);
      ownerOf.set(`D${u.id.slice(1)}`, w.id);
    }
    for (const c of w.channels ?? []) ownerOf.set(c.id, w.id);
  }
  const known = new Set(workspaces.map((w) => w.id));
  const teamOfToken = (token: string): string => {
    const named = /^(?:xoxe\.)?xox[bp]-(T[A-Z0-9]+)-/.exec(token)?.[1];
    return named && known.has(named) ? named : teamId;
  };
  /**
   * The workspace of the call being answered. Handlers are synchronous: it is set just before one
   * runs and read only inside it.
   */
  let callTeam = teamId;
  /** Another workspace's channel, person or DM: Slack does not find it with this token. */
  const foreign = (id: string) => {
    const owner = ownerOf.get(id);
    return owner !== undefined && owner !== callTeam;
  };
  let app: FakeApp | null = null;
  const installed = new Set<string>();
  const nameOf = (id: string) => channelNames.get(id) ?? id.toLowerCase();
  for (const u of users.values()) zoneInfo(u.tz, now()); // throws early on a bad zone

  const emitter = new EventEmitter<FakeSlackEvents>();
  const calls: RecordedCall[] = [];
  const messages: StoredMessage[] = [];
  const ephemerals: StoredEphemeral[] = [];
  const views = new Map<string, StoredView>();
  const homeViews = new Map<string, StoredView>();
  const responses: StoredResponse[] = [];
  let held: { promise: Promise<void>; release: () => void } | null = null;
  const failures = new Map<string, FailureSpec[]>();
  const archived = new Set<string>();
  const kicked = new Set<string>();
  const sharing = new Map<string, ChannelSharing>();
  /** Direct messages opened with conversations.open (a second open answers `already_open`). */
  const openedIms = new Set<string>();
  const files: StoredFile[] = [];
  /** Uploads started with files.getUploadURLExternal and not completed yet, by file id. */
  const uploads = new Map<string, PendingUpload>();
  /** The secret part of an upload_url → the file id it uploads. */
  const uploadKeys = new Map<string, string>();
  /** This server's own address, known once it listens (upload URLs and url_private point here). */
  let base = '';

  let lastSec = 0;
  let lastMicro = 0;
  const nextTs = (): string => {
    const sec = Math.floor(now().getTime() / 1000);
    if (sec > lastSec) [lastSec, lastMicro] = [sec, 100];
    else if (lastMicro + 100 > 999_999) [lastSec, lastMicro] = [lastSec + 1, 100];
    else lastMicro += 100;
    return `${lastSec}.${String(lastMicro).padStart(6, '0')}`;
  };
  const newId = (prefix: string) => prefix + randomBytes(5).toString('hex').toUpperCase();
  const newHash = () => `${Math.floor(now().getTime() / 1000)}.${randomBytes(4).toString('hex')}`;

  /** Slack opens a DM when you post to a user id; the response names the D channel. */
  const channelOf = (a: Args, key = 'channel'): string => {
    const c = str(a, key) ?? fail('channel_not_found');
    const id = /^[UW]/.test(c) ? `D${c.slice(1)}` : c;
    if (foreign(id)) fail('channel_not_found');
    return id;
  };
  const writableChannel = (a: Args): string => {
    const c = channelOf(a);
    if (archived.has(c)) fail('is_archived');
    if (kicked.has(c)) fail('not_in_channel');
    return c;
  };
  const blocksOf = (a: Args, max: number): unknown[] | undefined => {
    const b = a.blocks;
    if (b === undefined || b === '') return undefined;
    if (!Array.isArray(b) || b.some((x) => !isObject(x) || typeof x.type !== 'string')) {
      return fail('invalid_blocks');
    }
    return b.length > max ? fail('invalid_blocks') : b;
  };
  const findMessage = (channel: string, ts: string) =>
    messages.find((m) => m.channel === channel && m.ts === ts);
  /** Stores a new message (a reply counts in its parent's thread) and tells the listeners. */
  const store = (msg: StoredMessage, threadTs: string | undefined, broadcast = false) => {
    if (threadTs) {
      const parent = findMessage(msg.channel, threadTs);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
        parent.latest_reply = msg.ts;
      }
      msg.thread_ts = threadTs;
      if (broadcast) msg.reply_broadcast = true;
    }
    messages.push(msg);
    emitter.emit('message', msg);
  };
  const apiMessage = (m: StoredMessage, withMetadata = true): Args => {
    const { channel: _channel, metadata, ...rest } = m;
    return withMetadata && metadata ? { ...rest, metadata } : rest;
  };

  const buildView = (a: Args, id: string, root: string, previous: string | null): StoredView => {
    const v = isObject(a.view) ? a.view : fail('invalid_arguments');
    const type = typeof v.type === 'string' ? v.type : fail('invalid_arguments');
    const blocks = blocksOf(v, 100) ?? [];
    const privateMetadata = typeof v.private_metadata === 'string' ? v.private_metadata : '';
    if (privateMetadata.length > 3000) fail('invalid_arguments');
    const title = v.title ?? null;
    if (type === 'modal') {
      if (!isObject(title) || typeof title.text !== 'string' || title.text.length > 24) {
        fail('invalid_arguments');
      }
    }
    return {
      id,
      team_id: callTeam,
      type,
      blocks,
      private_metadata: privateMetadata,
      callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
      external_id: typeof v.external_id === 'string' ? v.external_id : '',
      state: { values: {} },
      hash: newHash(),
      title,
      submit: v.submit ?? null,
      close: v.close ?? null,
      clear_on_close: truthy(v.clear_on_close),
      notify_on_close: truthy(v.notify_on_close),
      root_view_id: root,
      previous_view_id: previous,
      app_id: APP_ID,
      app_installed_team_id: callTeam,
      bot_id: botId,
    };
  };
  const openView = (a: Args, root?: string, previous: string | null = null): Args => {
    if (!str(a, 'trigger_id')) fail('invalid_trigger_id');
    const id = newId('V');
    const view = buildView(a, id, root ?? id, previous);
    views.set(id, view);
    emitter.emit('view', view);
    return { ok: true, view };
  };

  /** A stored upload as Slack describes it (the `files` of completeUploadExternal and of the message). */
  const fileObject = (f: StoredFile): SlackFile => {
    const created = Math.floor(f.at / 1000);
    const { filetype, pretty_type } = typeOf(f.filename);
    const c = f.channel;
    const where = c?.startsWith('D') ? 'ims' : c?.startsWith('G') ? 'groups' : 'channels';
    const team = f.team ?? teamId;
    const path = `${team}-${f.id}`;
    const name = encodeURIComponent(f.filename);
    const file: SlackFile = {
      id: f.id,
      created,
      timestamp: created,
      name: f.filename,
      title: f.title,
      mimetype: f.mimetype,
      filetype,
      pretty_type,
      user: botUserId,
      user_team: team,
      editable: false,
      size: f.content.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: where === 'channels',
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      url_private: `${base}/files-pri/${path}/${name}`,
      url_private_download: `${base}/files-pri/${path}/download/${name}`,
      permalink: `${PERMALINK_HOST}/files/${botUserId}/${f.id}/${name}`,
      channels: c && where === 'channels' ? [c] : [],
      groups: c && where === 'groups' ? [c] : [],
      ims: c && where === 'ims' ? [c] : [],
      comments_count: 0,
      has_rich_preview: false,
      file_access: 'visible',
    };
    if (c && f.message_ts) {
      const share: Args = {
        ts: f.message_ts,
        ...(where === 'ims' ? {} : { channel_name: nameOf(c) }),
        team_id: team,
        share_user_id: botUserId,
        reply_users: [],
        reply_users_count: 0,
        reply_count: 0,
        ...(f.thread_ts ? { thread_ts: f.thread_ts } : {}),
      };
      file.shares = { [where === 'channels' ? 'public' : 'private']: { [c]: [share] } };
    }
    return file;
  };

  let tickets = 0;
  // OAuth: an install's code is "<team>:<user>" or "<enterprise>:<user>" for an org-wide install
  // (":rotate" after it: a rotating token, 12 hours);
  // each refresh token can be spent once, as Slack's.
  let grants = 0;
  const refreshTokens = new Map<string, string>(); // refresh token → team
  const oauthAccess = (a: Args): Args => {
    if (!str(a, 'client_id') || !str(a, 'client_secret')) fail('invalid_client_id');
    const issue = (team: string, rotate: boolean) => {
      grants++;
      const refresh = rotate ? `xoxe-1-${team}-${grants}` : undefined;
      if (refresh) refreshTokens.set(refresh, team);
      return {
        access_token: `${rotate ? 'xoxe.' : ''}xoxb-${team}-${grants}`,
        ...(refresh ? { refresh_token: refresh, expires_in: 43_200 } : {}),
      };
    };
    if (str(a, 'grant_type') === 'refresh_token') {
      const spent = str(a, 'refresh_token') ?? '';
      const team = refreshTokens.get(spent);
      if (!team) fail('invalid_refresh_token');
      refreshTokens.delete(spent);
      return { ok: true, token_type: 'bot', ...issue(team as string, true) };
    }
    // "E…:U…": an org-wide install (Enterprise Grid), for every workspace of the org.
    const m = /^([TE][A-Z0-9]+):(U[A-Z0-9]+)(:rotate)?$/.exec(str(a, 'code') ?? '');
    if (!m) fail('invalid_code');
    const [, where, user, rotate] = m as RegExpExecArray;
    const org = (where as string).startsWith('E');
    installed.add(where as string);
    return {
      ok: true,
      app_id: APP_ID,
      authed_user: { id: user },
      scope:
        'commands,chat:write,users:read,channels:history,groups:history,channels:read,groups:read,files:write,im:write',
      token_type: 'bot',
      bot_user_id: botUserId,
      team: org
        ? null
        : { id: where, name: workspaces.find((w) => w.id === where)?.name ?? `Workspace ${where}` },
      enterprise: org ? { id: where, name: `Org ${where}` } : null,
      is_enterprise_install: org,
      ...issue(where as string, !!rotate),
    };
  };
  const handlers: Record<string, (a: Args, ctx: { json: boolean; token: string }) => Args> = {
    'apps.connections.open': (_a, ctx) => {
      if (!opts.socketModeUrl) fail('unknown_method');
      // Only an app-level token opens a socket (a bot token is refused, as by Slack).
      if (!ctx.token.startsWith('xapp-')) fail('not_allowed_token_type');
      const url = new URL(opts.socketModeUrl as string);
      url.searchParams.set('ticket', String(++tickets));
      url.searchParams.set('app_id', APP_ID);
      return { ok: true, url: url.toString() };
    },
    'auth.test': (_a, ctx) => ({
      ok: true,
      url: `${PERMALINK_HOST}/`,
      team: workspaces.find((w) => w.id === callTeam)?.name ?? 'Fake Team',
      user: 'amends',
      // A token naming a workspace the fake was not told of (the tests' installs) is still its own.
      team_id: /^(?:xoxe\.)?xox[bp]-(T[A-Z0-9]+)-/.exec(ctx.token)?.[1] ?? callTeam,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (a) => {
      const channel = writableChannel(a);
      const text = str(a, 'text');
      const blocks = blocksOf(a, 50);
      if (text === undefined && blocks === undefined) fail('no_text');
      if ((text?.length ?? 0) > 40_000) fail('msg_too_long');
      const threadTs = str(a, 'thread_ts');
      const metadata = isObject(a.metadata)
        ? (a.metadata as unknown as MessageMetadata)
        : undefined;
      const ts = nextTs();
      const msg: StoredMessage = {
        type: 'message',
        channel,
        ts,
        text: text ?? '',
        user: botUserId,
        bot_id: botId,
      };
      if (blocks) msg.blocks = blocks;
      if (metadata) msg.metadata = metadata;
      store(msg, threadTs, truthy(a.reply_broadcast));
      return { ok: true, channel, ts: msg.ts, message: apiMessage(msg) };
    },
    'chat.update': (a) => {
      const channel = channelOf(a);
      if (archived.has(channel)) fail('is_archived');
      const msg = findMessage(channel, str(a, 'ts') ?? fail('message_not_found'));
      if (!msg) return fail('message_not_found');
      const text = str(a, 'text');
      const blocks = blocksOf(a, 50);
      if (text === undefined && blocks === undefined) fail('no_text');
      msg.text = text ?? '';
      if (blocks) msg.blocks = blocks;
      if (isObject(a.metadata)) msg.metadata = a.metadata as unknown as MessageMetadata;
      msg.edited = { user: botUserId, ts: nextTs() };
      emitter.emit('update', msg);
      return { ok: true, channel, ts: msg.ts, text: msg.text, message: apiMessage(msg) };
    },
    // Like Slack: a bot deletes only its own messages; a thread parent's reply_count drops.
    'chat.delete': (a) => {
      const channel = channelOf(a);
      if (archived.has(channel)) fail('is_archived');
      const ts = str(a, 'ts') ?? fail('message_not_found');
      const msg = findMessage(channel, ts);
      if (!msg) return fail('message_not_found');
      if (msg.bot_id !== botId) return fail('cant_delete_message');
      messages.splice(messages.indexOf(msg), 1);
      if (msg.thread_ts && msg.thread_ts !== msg.ts) {
        const parent = findMessage(channel, msg.thread_ts);
        if (parent?.reply_count) parent.reply_count -= 1;
      }
      emitter.emit('delete', msg);
      return { ok: true, channel, ts };
    },
    'chat.postEphemeral': (a) => {
      const channel = writableChannel(a);
      const user = str(a, 'user') ?? fail('user_not_in_channel');
      if (foreign(user)) fail('user_not_in_channel');
      const text = str(a, 'text');
      const blocks = blocksOf(a, 50);
      if (text === undefined && blocks === undefined) fail('no_text');
      const eph: StoredEphemeral = { channel, user, text: text ?? '', message_ts: nextTs() };
      if (blocks) eph.blocks = blocks;
      const threadTs = str(a, 'thread_ts');
      if (threadTs) eph.thread_ts = threadTs;
      ephemerals.push(eph);
      emitter.emit('ephemeral', eph);
      return { ok: true, message_ts: eph.message_ts };
    },
    'chat.getPermalink': (a) => {
      const channel = channelOf(a);
      const msg = findMessage(channel, str(a, 'message_ts') ?? fail('message_not_found'));
      if (!msg) return fail('message_not_found');
      let permalink = `${PERMALINK_HOST}/archives/${channel}/p${msg.ts.replace('.', '')}`;
      if (msg.thread_ts && msg.thread_ts !== msg.ts) {
        permalink += `?thread_ts=${msg.thread_ts}&cid=${channel}`;
      }
      return { ok: true, channel, permalink };
    },
    'views.open': (a) => openView(a),
    'views.push': (a) => {
      const top = [...views.values()].at(-1);
      return openView(a, top?.root_view_id, top?.id ?? null);
    },
    'views.update': (a) => {
      const viewId = str(a, 'view_id');
      const externalId = str(a, 'external_id');
      if (!viewId && !externalId) fail('invalid_arguments');
      const all = [...views.values(), ...homeViews.values()];
      const old = all.find((v) => (viewId ? v.id === viewId : v.external_id === externalId));
      if (!old || old.team_id !== callTeam) return fail('not_found');
      const hash = str(a, 'hash');
      if (hash && hash !== old.hash) fail('hash_conflict');
      const view = buildView(a, old.id, old.root_view_id, old.previous_view_id);
      const home = [...homeViews].find(([, v]) => v.id === old.id);
      if (home) {
        homeViews.set(home[0], view);
        emitter.emit('home', { userId: home[0], view });
      } else {
        views.set(view.id, view);
        emitter.emit('view', view);
      }
      return { ok: true, view };
    },
    'views.publish': (a) => {
      const userId = str(a, 'user_id') ?? fail('invalid_arguments');
      if (foreign(userId)) fail('user_not_found');
      const old = homeViews.get(userId);
      const hash = str(a, 'hash');
      if (hash && old && hash !== old.hash) fail('hash_conflict');
      const id = old?.id ?? newId('V');
      const view = buildView(a, id, id, null);
      if (view.type !== 'home') fail('invalid_arguments');
      homeViews.set(userId, view);
      emitter.emit('home', { userId, view });
      return { ok: true, view };
    },
    'users.info': (a) => {
      const u = users.get(str(a, 'user') ?? fail('user_not_found'));
      if (!u || foreign(u.id)) return fail('user_not_found');
      const { offset, label } = zoneInfo(u.tz, now());
      const realName = u.realName ?? u.name;
      const user: Args = {
        id: u.id,
        team_id: ownerOf.get(u.id) ?? teamId,
        name: u.name,
        real_name: realName,
        tz: u.tz,
        tz_label: label,
        tz_offset: offset,
        profile: { display_name: u.name, real_name: realName },
        is_bot: false,
        is_admin: !!u.admin,
        is_owner: false,
        deleted: false,
      };
      // Like Slack, `locale` is only present when asked for.
      if (truthy(a.include_locale)) user.locale = u.locale ?? 'en-US';
      return { ok: true, user };
    },
    'conversations.history': (a) => {
      const channel = channelOf(a);
      const withMeta = truthy(a.include_all_metadata);
      const oldest = str(a, 'oldest') ?? '0';
      const top = messages
        .filter(
          (m) =>
            m.channel === channel &&
            (!m.thread_ts || m.thread_ts === m.ts) &&
            Number(m.ts) >= Number(oldest),
        )
        .sort((x, y) => y.ts.localeCompare(x.ts));
      const start = Number(str(a, 'cursor') ?? 0) || 0;
      const limit = Math.max(1, Number(str(a, 'limit') ?? 100) || 100);
      const end = start + limit;
      const hasMore = end < top.length;
      return {
        ok: true,
        messages: top.slice(start, end).map((m) => apiMessage(m, withMeta)),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? String(end) : '' },
      };
    },
    'conversations.replies': (a) => {
      const channel = channelOf(a);
      const hit = findMessage(channel, str(a, 'ts') ?? fail('thread_not_found'));
      if (!hit) return fail('thread_not_found');
      const root = hit.thread_ts ?? hit.ts;
      const withMeta = truthy(a.include_all_metadata);
      const thread = messages
        .filter((m) => m.channel === channel && (m.ts === root || m.thread_ts === root))
        .sort((x, y) => x.ts.localeCompare(y.ts));
      const start = Number(str(a, 'cursor') ?? 0) || 0;
      const limit = Math.max(1, Number(str(a, 'limit') ?? 1000) || 1000);
      const end = start + limit;
      const hasMore = end < thread.length;
      return {
        ok: true,
        messages: thread.slice(start, end).map((m) => apiMessage(m, withMeta)),
        has_more: hasMore,
        response_metadata: { next_cursor: hasMore ? String(end) : '' },
      };
    },
    'conversations.info': (a) => {
      const id = channelOf(a);
      const im = id.startsWith('D');
      const how = sharing.get(id) ?? 'none';
      return {
        ok: true,
        channel: {
          id,
          name: im ? undefined : nameOf(id),
          is_channel: !im,
          is_im: im,
          is_member: !kicked.has(id),
          is_archived: archived.has(id),
          // Slack Connect: shared with another organisation, or invited to be; `org` is a channel
          // shared between workspaces of one Enterprise org.
          is_shared: how === 'ext' || how === 'org',
          is_ext_shared: how === 'ext',
          is_org_shared: how === 'org',
          is_pending_ext_shared: how === 'pending',
        },
      };
    },
    /**
     * Opens (or resumes) a direct message: `users` is one user id (an IM, the same `D…` id that
     * chat.postMessage to that user id posts in) or 2 to 8 (a group DM, a stable `G…` id), or
     * `channel` resumes one. Answers `{ ok, channel: { id } }`, with `no_op` and `already_open`
     * when it was open already, and the whole IM object with `return_im`, as Slack does.
     */
    'conversations.open': (a) => {
      const resume = str(a, 'channel');
      const listed = (str(a, 'users') ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');
      if (resume && listed.length > 0) fail('invalid_arguments');
      if (!resume && listed.length === 0) fail('users_list_not_supplied');
      if (listed.length > 8) fail('too_many_users');
      for (const u of listed) {
        if (!/^[UW][A-Z0-9]+$/.test(u) || (users.size > 0 && !users.has(u) && u !== botUserId))
          fail('user_not_found');
        if (foreign(u)) fail('user_not_found');
      }
      let id: string;
      if (resume) {
        if (!/^[DG]/.test(resume)) fail('channel_not_found');
        id = resume;
      } else if (listed.length === 1) {
        id = channelOf({ channel: listed[0] });
      } else {
        const key = [...new Set(listed)].sort().join(',');
        id = `G${key.replace(/[^A-Z0-9]/g, '').slice(0, 10)}`;
      }
      const already = openedIms.has(id);
      openedIms.add(id);
      const channel: Args = { id };
      if (truthy(a.return_im)) {
        Object.assign(channel, {
          created: Math.floor(now().getTime() / 1000),
          is_im: id.startsWith('D'),
          is_mpim: id.startsWith('G'),
          is_open: true,
          ...(id.startsWith('D') && listed[0] ? { user: listed[0] } : {}),
        });
      }
      return already
        ? { ok: true, no_op: true, already_open: true, channel }
        : { ok: true, channel };
    },
    /** Step 1 of an upload: a file id and the address its bytes go to. */
    'files.getUploadURLExternal': (a, { json }) => {
      // Slack reads this method's arguments from a form only: a JSON body is invalid_arguments.
      if (json) fail('invalid_arguments');
      const filename = str(a, 'filename') ?? fail('invalid_arguments');
      const length = Number(str(a, 'length'));
      if (!Number.isSafeInteger(length) || length < 0) fail('invalid_arguments');
      const id = newId('F');
      const key = randomBytes(16).toString('hex');
      uploads.set(id, { id, key, filename, length, content: null });
      uploadKeys.set(key, id);
      return { ok: true, upload_url: `${base}/upload/v1/${key}`, file_id: id };
    },
    /** A file is deleted with every share of it (a share left with no file goes with it). */
    'files.delete': (a) => {
      const id = str(a, 'file') ?? fail('invalid_arguments');
      const f = files.find((x) => x.id === id) ?? fail('file_not_found');
      files.splice(files.indexOf(f), 1);
      if (f.channel && f.message_ts) {
        const msg = findMessage(f.channel, f.message_ts);
        if (msg) {
          msg.files = (msg.files ?? []).filter((x) => x.id !== id);
          if (msg.files.length === 0) {
            messages.splice(messages.indexOf(msg), 1);
            if (msg.thread_ts && msg.thread_ts !== msg.ts) {
              const parent = findMessage(f.channel, msg.thread_ts);
              if (parent?.reply_count) parent.reply_count -= 1;
            }
            emitter.emit('delete', msg);
          }
        }
      }
      return { ok: true };
    },
    /** Step 3: the uploaded files are shared in one message (or stay private without a channel). */
    'files.completeUploadExternal': (a) => {
      const listed = typeof a.files === 'string' ? parseJson(a.files) : a.files;
      if (!Array.isArray(listed) || listed.length === 0) return fail('invalid_arguments');
      const named = listed.map((f) =>
        isObject(f) && typeof f.id === 'string' ? f : fail('invalid_arguments'),
      );
      // "This method can only be called once": a completed (or never uploaded) file is not found.
      const pending = named.map((f) => {
        const u = uploads.get(String(f.id));
        return u?.content ? { ...u, content: u.content } : fail('file_not_found');
      });
      if (new Set(pending.map((u) => u.id)).size !== pending.length) fail('invalid_arguments');
      const target = str(a, 'channel_id') ?? str(a, 'channels');
      if (target?.includes(',')) fail('invalid_arguments'); // one channel, as uploadV2 sends it
      const threadTs = str(a, 'thread_ts');
      if (threadTs && !target) fail('invalid_arguments');
      const channel = target ? writableChannel({ channel: target }) : null;
      const comment = str(a, 'initial_comment');
      // Blocks are used only without an initial comment, as Slack does.
      const blocks = comment === undefined ? blocksOf(a, 50) : undefined;

      const at = now().getTime();
      const done: StoredFile[] = pending.map((u, i) => {
        const title = named[i]?.title;
        const f: StoredFile = {
          id: u.id,
          team: callTeam,
          filename: u.filename,
          title: typeof title === 'string' && title !== '' ? title : u.filename,
          channel,
          content: u.content,
          mimetype: typeOf(u.filename).mimetype,
          at,
        };
        if (threadTs) f.thread_ts = threadTs;
        if (comment !== undefined) f.initial_comment = comment;
        uploads.delete(u.id);
        uploadKeys.delete(u.key);
        return f;
      });
      if (channel) {
        const ts = nextTs();
        for (const f of done) f.message_ts = ts;
        const msg: StoredMessage = {
          type: 'message',
          subtype: 'file_share',
          channel,
          ts,
          text: comment ?? '',
          user: botUserId,
          bot_id: botId,
          upload: true,
          display_as_bot: false,
          files: done.map(fileObject),
        };
        if (blocks) msg.blocks = blocks;
        files.push(...done);
        store(msg, threadTs);
      } else {
        files.push(...done);
      }
      return { ok: true, files: done.map(fileObject) };
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const handleApi = async (
    method: string,
    req: IncomingMessage,
    raw: string,
    query: URLSearchParams,
    res: ServerResponse,
  ) => {
    let args: Args;
    let parseError: string | undefined;
    try {
      args = parseBody(raw, req.headers['content-type'] ?? '', query);
    } catch (e) {
      args = {};
      parseError = e instanceof SlackError ? e.message : 'invalid_json';
    }
    const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? str(args, 'token');
    delete args.token;
    const call: RecordedCall = { method, args, at: now().getTime() };
    if (token) call.token = token;
    calls.push(call);
    emitter.emit('call', call);

    const delay = typeof latencyMs === 'function' ? latencyMs() : latencyMs;
    if (delay > 0) await sleep(delay);
    if (held) await held.promise;
    const queue = failures.get(method);
    const injected = queue?.shift();
    if (queue?.length === 0) failures.delete(method);
    if (typeof injected === 'string') return send(res, 200, { ok: false, error: injected });
    if (injected && 'delayMs' in injected) await sleep(injected.delayMs);
    if (injected && 'status' in injected) {
      if (injected.status === 500) return send(res, 500, { ok: false, error: 'internal_error' });
      if (injected.status === 502) {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      }
      return send(
        res,
        429,
        { ok: false, error: 'ratelimited' },
        {
          'retry-after': String(injected.retryAfter),
        },
      );
    }
    if (parseError) return send(res, 200, { ok: false, error: parseError });
    // The app's own credentials, not a token: an install's code, or a refresh.
    if (method === 'oauth.v2.access') {
      try {
        return send(res, 200, oauthAccess(args));
      } catch (e) {
        if (!(e instanceof SlackError)) throw e;
        return send(res, 200, { ok: false, error: e.message });
      }
    }
    const handler = handlers[method];
    if (!handler) return send(res, 200, { ok: false, error: 'unknown_method' });
    if (!token) return send(res, 200, { ok: false, error: 'not_authed' });
    try {
      const json = (req.headers['content-type'] ?? '').includes('json');
      callTeam = teamOfToken(token);
      send(res, 200, handler(args, { json, token }));
    } catch (e) {
      if (!(e instanceof SlackError)) throw e;
      send(res, 200, { ok: false, error: e.message });
    }
  };

  /** Step 2 of an upload: the bytes, raw or as multipart form data (what uploadV2 sends). */
  const receiveUpload = async (
    key: string,
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
  ) => {
    const u = uploads.get(uploadKeys.get(key) ?? '');
    if (!u) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not_found');
      return;
    }
    const type = req.headers['content-type'] ?? '';
    let content = body;
    if (type.startsWith('multipart/form-data')) {
      let form: FormData;
      try {
        form = await new Response(body, { headers: { 'content-type': type } }).formData();
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_form_data');
        return;
      }
      const part = [...form.values()].find(
        (v): v is Exclude<typeof v, string> => typeof v !== 'string',
      );
      if (!part) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('no_file_data');
        return;
      }
      content = Buffer.from(await part.arrayBuffer());
    }
    u.content = content;
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`OK - ${content.length}`);
  };

  const escapeHtml = (v: string) =>
    v.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
    );
  const page = (res: ServerResponse, status: number, title: string, body: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{font-family:Lato,"Helvetica Neue",Arial,sans-serif;background:#f4ede4;color:#1d1c1d;margin:0;padding:48px 16px}
main{max-width:520px;margin:0 auto;background:#fff;border-radius:8px;padding:28px 32px;box-shadow:0 1px 6px rgba(0,0,0,.12)}
h1{font-size:24px;margin:0 0 12px}ul{padding-left:20px;line-height:1.6}select{font:inherit;padding:4px 6px}
.row{display:flex;gap:10px;justify-content:flex-end;margin-top:22px}
button{font:inherit;font-weight:700;border-radius:4px;padding:8px 18px;cursor:pointer;border:1px solid #bbb;background:#fff}
button.allow{background:#007a5a;border-color:#007a5a;color:#fff}.muted{color:#616061;font-size:13px}</style>
</head><body><main>${body}</main></body></html>`);
  };

  /**
   * Slack's consent page, small: "Install <app> in <workspace>?", the scopes asked for, a
   * workspace picker (the first without the app, or `team`), Allow and Cancel. Both go back to the
   * app's Redirect URL with the state: Allow with a code ("<team>:<admin>", what oauth.v2.access
   * takes), Cancel with error=access_denied, as Slack does.
   */
  const authorize = (url: URL, res: ServerResponse) => {
    const q = url.searchParams;
    if (!app || q.get('client_id') !== app.clientId)
      return page(
        res,
        400,
        'Invalid client_id',
        '<h1>Invalid client_id</h1><p>No app has this client id.</p>',
      );
    const redirect = q.get('redirect_uri');
    if (redirect && redirect !== app.redirectUrl)
      return page(
        res,
        400,
        'Bad redirect_uri',
        '<h1>redirect_uri did not match</h1><p>It must be the app’s Redirect URL.</p>',
      );
    const asked = q.get('team');
    const chosen =
      workspaces.find((w) => w.id === asked) ??
      workspaces.find((w) => !installed.has(w.id)) ??
      workspaces[0];
    const name = escapeHtml(app.name);
    const options = workspaces
      .map(
        (w) =>
          `<option value="${escapeHtml(w.id)}"${w === chosen ? ' selected' : ''}>${escapeHtml(w.name)}${installed.has(w.id) ? ' (installed)' : ''}</option>`,
      )
      .join('');
    const scopes = (q.get('scope') ?? '')
      .split(',')
      .filter(Boolean)
      .map((x) => `<li><code>${escapeHtml(x)}</code></li>`)
      .join('');
    const hidden = ['client_id', 'state', 'scope']
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`)
      .join('');
    return page(
      res,
      200,
      `Install ${app.name} in ${chosen?.name ?? ''}?`,
      `<form method="post" action="/oauth/v2/authorize">${hidden}
<h1 data-testid="consent-title">Install ${name} in ${escapeHtml(chosen?.name ?? '')}?</h1>
<p><label>Workspace <select name="team" data-testid="consent-team">${options}</select></label></p>
<p>${name} is asking to:</p><ul>${scopes}</ul>
<p class="muted">This is the sandbox’s stand-in for Slack: nothing leaves this machine.</p>
<div class="row"><button type="submit" name="decision" value="cancel" data-testid="consent-cancel">Cancel</button>
<button type="submit" name="decision" value="allow" class="allow" data-testid="consent-allow">Allow</button></div></form>`,
    );
  };
  const decide = (raw: string, res: ServerResponse) => {
    const f = new URLSearchParams(raw);
    if (!app || f.get('client_id') !== app.clientId)
      return page(
        res,
        400,
        'Invalid client_id',
        '<h1>Invalid client_id</h1><p>No app has this client id.</p>',
      );
    const back = new URL(app.redirectUrl);
    const state = f.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const w = workspaces.find((x) => x.id === f.get('team'));
    if (f.get('decision') !== 'allow') back.searchParams.set('error', 'access_denied');
    else if (!w) return page(res, 400, 'Unknown workspace', '<h1>No such workspace</h1>');
    else {
      // The installer: the workspace's admin (its first person when none is marked).
      const admin = (w.users ?? []).find((u) => u.admin) ?? w.users?.[0];
      if (!admin)
        return page(res, 400, 'No one to install', '<h1>This workspace has no members</h1>');
      back.searchParams.set('code', `${w.id}:${admin.id}`);
    }
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
  };

  let answering = 0;
  let idleWaiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
      const response = /^\/response\/(.*)$/.exec(url.pathname);
      const upload = /^\/upload\/v1\/([0-9a-f]+)$/.exec(url.pathname);
      const download = /^\/files-pri\/[A-Z0-9]+-(F[A-Z0-9]+)\/(?:download\/)?[^/]+$/.exec(
        url.pathname,
      );
      // A request counts as being answered until its handler is through, even if the caller hung
      // up (a killed bot): what Slack received, it stores.
      const done = (p: Promise<void> | void) =>
        Promise.resolve(p)
          .catch((e: unknown) => {
            if (!res.headersSent)
              send(res, 200, { ok: false, error: 'fatal_error', detail: String(e) });
          })
          .finally(() => {
            answering--;
            if (answering > 0) return;
            const waiting = idleWaiters;
            idleWaiters = [];
            for (const w of waiting) w();
          });
      if (url.pathname === '/oauth/v2/authorize') {
        if (req.method === 'GET') return authorize(url, res);
        if (req.method === 'POST') return decide(raw, res);
      }
      if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) {
        answering++;
        void done(handleApi(api[1], req, raw, url.searchParams, res));
        return;
      }
      if (upload?.[1] && req.method === 'POST') {
        answering++;
        void done(receiveUpload(upload[1], req, bytes, res));
        return;
      }
      if (download?.[1] && req.method === 'GET') {
        const f = files.find((x) => x.id === download[1]);
        // url_private needs the token, as in Slack.
        if (!f || !/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not_found');
          return;
        }
        res.writeHead(200, { 'content-type': f.mimetype, 'content-length': f.content.length });
        res.end(f.content);
        return;
      }
      if (response && req.method === 'POST') {
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        if (!isObject(body)) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
          return;
        }
        const stored: StoredResponse = { path: response[1] ?? '', body, at: now().getTime() };
        responses.push(stored);
        emitter.emit('response', stored);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not_found');
    });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return Object.assign(emitter, {
    url: `${base}/api/`,
    responseUrlBase: `${base}/response/`,
    teamId,
    botUserId,
    botId,
    calls,
    messages,
    ephemerals,
    views,
    homeViews,
    responses,
    files,
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    findMessage,
    idle() {
      return answering === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r));
    },
    hold() {
      const h = held ?? { promise: Promise.resolve(), release: () => {} };
      if (!held) {
        h.promise = new Promise<void>((resolve) => {
          h.release = resolve;
        });
        held = h;
      }
      return () => {
        if (held === h) held = null;
        h.release();
      };
    },
    failNext(method: string, error: FailureSpec, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(error);
      failures.set(method, queue);
    },
    archiveChannel: (id: string) => void archived.add(id),
    kickFromChannel: (id: string) => void kicked.add(id),
    inviteToChannel: (id: string) => void kicked.delete(id),
    shareChannel(id: string, how: ChannelSharing) {
      if (how === 'none') sharing.delete(id);
      else sharing.set(id, how);
    },
    sharingOf: (id: string): ChannelSharing => sharing.get(id) ?? 'none',
    registerApp(a: FakeApp) {
      app = a;
    },
    markInstalled: (team: string) => void installed.add(team),
    teamOfToken,
    reset() {
      for (const list of [calls, messages, ephemerals, responses, files]) list.length = 0;
      for (const coll of [views, homeViews, failures, archived, kicked, sharing, uploads])
        coll.clear();
      uploadKeys.clear();
      openedIms.clear();
      installed.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  });
}
