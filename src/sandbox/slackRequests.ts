import { createHmac, randomBytes } from 'node:crypto';

/**
 * Requests exactly as Slack sends them (shapes from test/fixtures/slack): url-encoded slash-command
 * bodies, `payload=` interaction bodies, JSON event envelopes, each signed with v0 HMAC-SHA256.
 * Used by the sandbox page's server and by the tests.
 */

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export function signed(
  secret: string,
  body: string,
  contentType: string,
  timestamp = Math.floor(Date.now() / 1000),
): SignedRequest {
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(secret, timestamp, body),
    },
  };
}

export const triggerId = (): string =>
  `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;

export interface Actor {
  readonly teamId: string;
  readonly teamDomain?: string;
  readonly userId: string;
  readonly userName?: string;
}

/** The `user` object of an interaction payload. */
const userOf = (a: Actor) => ({
  id: a.userId,
  username: a.userName ?? a.userId.toLowerCase(),
  name: a.userName ?? a.userId.toLowerCase(),
  team_id: a.teamId,
});

export function slashCommandBody(
  a: Actor & {
    channelId: string;
    channelName?: string;
    text: string;
    responseUrl: string;
    triggerId?: string;
    apiAppId?: string;
  },
): string {
  return new URLSearchParams({
    token: 'verification_token',
    team_id: a.teamId,
    team_domain: a.teamDomain ?? 'sandbox',
    channel_id: a.channelId,
    channel_name: a.channelName ?? 'general',
    user_id: a.userId,
    user_name: a.userName ?? a.userId.toLowerCase(),
    command: '/incident',
    text: a.text,
    api_app_id: a.apiAppId ?? 'AAMENDS01',
    is_enterprise_install: 'false',
    response_url: a.responseUrl,
    trigger_id: a.triggerId ?? triggerId(),
  }).toString();
}

export interface ActionInput {
  readonly action_id: string;
  readonly block_id?: string;
  readonly value?: string;
  /** For overflow menus and selects. */
  readonly selected_value?: string;
  readonly type?: 'button' | 'overflow';
}

/**
 * A `block_actions` payload from a (possibly threaded) channel message, or a DM with the app
 * (`channelName` "directmessage"). A click in an ephemeral message (`ephemeral`) has
 * `container.is_ephemeral` and no `message`: Slack does not send what only one person saw.
 */
export function blockActionsPayload(
  a: Actor & {
    channelId: string;
    channelName?: string;
    messageTs: string;
    threadTs?: string;
    message?: Record<string, unknown>;
    ephemeral?: boolean;
    action: ActionInput;
    responseUrl: string;
    triggerId?: string;
  },
): Record<string, unknown> {
  const type = a.action.type ?? (a.action.selected_value !== undefined ? 'overflow' : 'button');
  const action: Record<string, unknown> = {
    action_id: a.action.action_id,
    block_id: a.action.block_id ?? 'b',
    type,
    action_ts: (Date.now() / 1000).toFixed(6),
  };
  if (type === 'overflow')
    action.selected_option = {
      text: { type: 'plain_text', text: a.action.selected_value },
      value: a.action.selected_value,
    };
  else {
    action.value = a.action.value;
    action.text = { type: 'plain_text', text: a.action.action_id };
  }
  return {
    type: 'block_actions',
    user: userOf(a),
    api_app_id: 'AAMENDS01',
    token: 'verification_token',
    container: {
      type: 'message',
      message_ts: a.messageTs,
      channel_id: a.channelId,
      is_ephemeral: a.ephemeral === true,
      ...(a.threadTs ? { thread_ts: a.threadTs } : {}),
    },
    trigger_id: a.triggerId ?? triggerId(),
    team: { id: a.teamId, domain: a.teamDomain ?? 'sandbox' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: a.channelId, name: a.channelName ?? 'general' },
    ...(a.ephemeral
      ? {}
      : { message: a.message ?? { type: 'message', ts: a.messageTs, text: '' } }),
    state: { values: {} },
    response_url: a.responseUrl,
    actions: [action],
  };
}

/** A `view_submission` payload for a modal the bot opened (state.values as Slack fills them). */
export function viewSubmissionPayload(
  a: Actor & {
    view: {
      id: string;
      callback_id: string;
      private_metadata?: string;
      blocks?: unknown[];
      hash?: string;
    };
    values: Record<string, Record<string, unknown>>;
  },
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: a.teamId, domain: a.teamDomain ?? 'sandbox' },
    user: userOf(a),
    api_app_id: 'AAMENDS01',
    token: 'verification_token',
    trigger_id: triggerId(),
    view: {
      id: a.view.id,
      team_id: a.teamId,
      type: 'modal',
      blocks: a.view.blocks ?? [],
      private_metadata: a.view.private_metadata ?? '',
      callback_id: a.view.callback_id,
      state: { values: a.values },
      hash: a.view.hash ?? `${Math.floor(Date.now() / 1000)}.abc`,
      title: { type: 'plain_text', text: 'Amends' },
      clear_on_close: false,
      notify_on_close: false,
      previous_view_id: null,
      root_view_id: a.view.id,
      app_id: 'AAMENDS01',
      external_id: '',
      app_installed_team_id: a.teamId,
      bot_id: 'BAMENDS01',
    },
    response_urls: [],
  };
}

export const interactionBody = (payload: Record<string, unknown>): string =>
  `payload=${encodeURIComponent(JSON.stringify(payload))}`;

/** POSTs a signed body to the app's real receiver. */
export async function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
  extraHeaders: Record<string, string> = {},
  timestamp?: number,
) {
  const req = signed(secret, body, contentType, timestamp);
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...req.headers, ...extraHeaders },
    body: req.body,
  });
  return { status: res.status, text: await res.text() };
}
