/** The fake Slack's public types: what it stores, the options it starts with, and its handle. */
import type { EventEmitter } from 'node:events';

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
