/**
 * What the page's people do, as Slack would tell the bot: a slash command, a click in a message,
 * an ephemeral or App Home, opening App Home, a modal's submit, and a channel shared with the
 * client. Each becomes a signed request to the bot's receiver, answered once the bot's work is
 * done.
 */
import { appHomeOpenedEnvelope, eventEnvelope } from './events.js';
import type { ChannelSharing, StoredResponse, StoredView } from './fakeSlack.js';
import { HttpError, isObject, str } from './http.js';
import {
  ALL_USERS,
  channelName,
  homeChannel,
  SANDBOX_WORKSPACES,
  type SandboxUser,
  type SandboxWorkspace,
  SHARINGS,
} from './people.js';
import {
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  triggerId,
  viewSubmissionPayload,
} from './slackRequests.js';
import type { SandboxContext, World } from './world.js';

/** Where a `block_actions` payload puts the choice, per element type. */
const PICKED: Record<string, string | undefined> = {
  datepicker: 'selected_date',
  timepicker: 'selected_time',
  users_select: 'selected_user',
  conversations_select: 'selected_conversation',
  channels_select: 'selected_channel',
};

/** The page's API calls that act in Slack, by name (POST /api/<name>). */
export type Actions = Record<string, (body: Record<string, unknown>) => Promise<unknown>>;

export function sandboxActions(ctx: SandboxContext): Actions {
  let responses = 0;

  const userOf = (body: Record<string, unknown>): SandboxUser => {
    const id = str(body, 'user');
    const u = ALL_USERS.find((x) => x.id === id);
    if (!u) throw new HttpError(400, 'unknown user');
    return u;
  };
  /** The workspace a person belongs to: their requests carry its team id, and need Amends there. */
  const workspaceOf = (w: World, u: SandboxUser): SandboxWorkspace => {
    const ws = SANDBOX_WORKSPACES.find((x) => x.users.some((y) => y.id === u.id));
    if (!ws) throw new HttpError(400, 'unknown user');
    if (!w.installed.has(ws.team.id))
      throw new HttpError(
        409,
        `Amends is not installed in ${ws.team.name} yet: install it with Add to Slack`,
      );
    return ws;
  };
  /** A channel of the person's own workspace (another's is unknown to them, as in Slack). */
  const channelOf = (body: Record<string, unknown>, ws: SandboxWorkspace) => {
    const id = str(body, 'channel');
    const c = ws.channels.find((x) => x.id === id);
    if (!c) throw new HttpError(400, 'unknown channel');
    return c;
  };
  /** The workspace and person a request comes from, as every payload names them. */
  const who = (ws: SandboxWorkspace, u: SandboxUser) => ({
    teamId: ws.team.id,
    teamDomain: ws.team.domain,
    userId: u.id,
    userName: u.name,
  });
  const responseUrl = (w: World, user: string, channel: string) =>
    `${w.fake.responseUrlBase}${user}/${channel}/${++responses}`;
  const newTrigger = (w: World, user: string) => {
    const t = triggerId();
    w.triggerOwner.set(t, user);
    if (w.triggerOwner.size > 500) {
      const oldest = w.triggerOwner.keys().next().value;
      if (oldest !== undefined) w.triggerOwner.delete(oldest);
    }
    return t;
  };
  /**
   * Sends a signed request to the bot's receiver and answers the page once the bot's work for it
   * (its Slack calls after the ack) is done, so the page and the tests see the outcome at once.
   * A message the bot put in the ack itself (help, a mistake in what was typed, "busy") shows as
   * a private note, as Slack shows it.
   */
  const toBot = async (
    w: World,
    body: string,
    to?: { user: string; channel: string },
    contentType = 'application/x-www-form-urlencoded',
  ) => {
    const r = await postSigned(w.botUrl, w.secret, body, contentType);
    if (r.status !== 200) throw new HttpError(502, `the bot answered HTTP ${r.status}`);
    await w.bot.idle();
    if (to && r.text) {
      let answer: unknown;
      try {
        answer = JSON.parse(r.text);
      } catch {
        answer = undefined;
      }
      if (isObject(answer) && typeof answer.text === 'string') {
        const stored: StoredResponse = {
          path: `${to.user}/${to.channel}/ack`,
          body: answer,
          at: w.clock.now().getTime(),
        };
        w.fake.responses.push(stored);
        w.fake.emit('response', stored);
      }
    }
    return r.text;
  };

  return {
    async command(body) {
      const w = ctx.world();
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const ch = channelOf(body, ws);
      // Long text goes through, as Slack sends it: the bot's own limit answers it, in the user's words.
      const text = (str(body, 'text', 40_000) ?? '').replace(/^\/incident\b/, '').trim();
      await toBot(
        w,
        slashCommandBody({
          ...who(ws, u),
          channelId: ch.id,
          channelName: ch.name,
          text,
          responseUrl: responseUrl(w, u.id, ch.id),
          triggerId: newTrigger(w, u.id),
        }),
        { user: u.id, channel: ch.id },
      );
      return { ok: true };
    },

    /**
     * A click in a message (`channel` and `messageTs`; the channel may be the user's DM with the
     * app), in an ephemeral only they see (`ephemeral`, its id in the state) or in the user's App
     * Home (`viewId`): a `block_actions` payload as Slack sends it from each. From a home view it has
     * no channel, message or response_url; its container is the view, and the view (with its state)
     * comes along. From an ephemeral the container says so, and there is no message.
     */
    async action(body) {
      const w = ctx.world();
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const viewId = str(body, 'viewId', 40);
      const ephemeral = str(body, 'ephemeral', 40);
      const actionId = str(body, 'action_id', 255) ?? '';
      const blockId = str(body, 'block_id', 255) ?? 'b';
      const type = str(body, 'type', 40) ?? 'button';
      const selected = str(body, 'selected_value', 2000);
      const selectedText = str(body, 'selected_text', 2000) ?? selected;
      const action = {
        action_id: actionId,
        block_id: blockId,
        type: type === 'overflow' ? ('overflow' as const) : ('button' as const),
        ...(type === 'overflow' ? { selected_value: selected ?? '' } : {}),
        ...(type === 'button' ? { value: str(body, 'value', 2000) ?? '' } : {}),
      };
      let payload: Record<string, unknown>;
      let home: StoredView | undefined;
      if (viewId !== undefined) {
        home = w.fake.homeViews.get(u.id);
        if (!home || home.id !== viewId) throw new HttpError(404, 'no such view');
        payload = blockActionsPayload({
          ...who(ws, u),
          channelId: homeChannel(u.id),
          messageTs: '',
          action,
          responseUrl: '',
          triggerId: newTrigger(w, u.id),
        });
        delete payload.channel;
        delete payload.message;
        delete payload.response_url;
        delete payload.state;
        payload.container = { type: 'view', view_id: home.id };
      } else if (ephemeral !== undefined) {
        // Only the user it was for can click it: anyone else's (or a made-up id) is not found.
        const eph = w.ephemerals.find((e) => e.id === ephemeral && e.user === u.id);
        if (!eph) throw new HttpError(404, 'no such ephemeral message');
        payload = blockActionsPayload({
          ...who(ws, u),
          channelId: eph.channel,
          channelName: channelName(eph.channel),
          messageTs: eph.ts,
          ...(eph.thread_ts ? { threadTs: eph.thread_ts } : {}),
          ephemeral: true,
          action,
          responseUrl: responseUrl(w, u.id, eph.channel),
          triggerId: newTrigger(w, u.id),
        });
      } else {
        // A channel's message, or one in the user's own DM with the app (another's is unknown).
        const dm = homeChannel(u.id);
        const ch =
          str(body, 'channel') === dm ? { id: dm, name: channelName(dm) } : channelOf(body, ws);
        const messageTs = str(body, 'messageTs', 40) ?? '';
        const message = w.fake.findMessage(ch.id, messageTs);
        if (!message) throw new HttpError(404, 'no such message');
        payload = blockActionsPayload({
          ...who(ws, u),
          channelId: ch.id,
          channelName: ch.name,
          messageTs,
          ...(message.thread_ts && message.thread_ts !== message.ts
            ? { threadTs: message.thread_ts }
            : {}),
          message: { ...message, channel: undefined },
          action,
          responseUrl: responseUrl(w, u.id, ch.id),
          triggerId: newTrigger(w, u.id),
        });
      }
      // Selects and pickers: the payload carries the choice the way Slack names it per type.
      const a = (payload.actions as Record<string, unknown>[])[0] ?? {};
      const pickedKey = PICKED[type];
      if (pickedKey) {
        delete a.value;
        delete a.text;
        a.type = type;
        a[pickedKey] = selected ?? null;
      } else if (type === 'static_select') {
        delete a.value;
        delete a.text;
        a.type = type;
        a.selected_option = { text: { type: 'plain_text', text: selectedText }, value: selected };
      } else if (type === 'overflow' && selectedText !== selected && isObject(a.selected_option)) {
        a.selected_option.text = { type: 'plain_text', text: selectedText };
      }
      if (home) {
        // In a view, Slack also keeps what its interactive elements hold in view.state.values.
        const held = pickedKey
          ? { type, [pickedKey]: a[pickedKey] }
          : type === 'static_select'
            ? { type, selected_option: a.selected_option }
            : undefined;
        payload.view = {
          ...home,
          state: { values: held ? { [blockId]: { [actionId]: held } } : {} },
        };
      }
      await toBot(w, interactionBody(payload));
      return { ok: true };
    },

    /**
     * The user opens the app's Home tab: Slack sends `app_home_opened`, and the bot publishes
     * the home (views.publish). Answers with the home view stored for them once the bot is done.
     */
    async home(body) {
      const w = ctx.world();
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const envelope = appHomeOpenedEnvelope(
        ws.team.id,
        u.id,
        w.clock.now(),
        w.fake.homeViews.get(u.id),
      );
      await toBot(w, JSON.stringify(envelope), undefined, 'application/json');
      return { ok: true, view: w.fake.homeViews.get(u.id) ?? null };
    },

    async submit(body) {
      const w = ctx.world();
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const viewId = str(body, 'viewId', 40) ?? '';
      const view = w.fake.views.get(viewId);
      if (!view || w.viewOwner.get(viewId) !== u.id) throw new HttpError(404, 'no such modal');
      const values = body.values ?? {};
      if (!isObject(values) || !Object.values(values).every(isObject))
        throw new HttpError(400, 'values must look like state.values');
      const text = await toBot(
        w,
        interactionBody(
          viewSubmissionPayload({
            ...who(ws, u),
            view: {
              id: view.id,
              callback_id: view.callback_id,
              private_metadata: view.private_metadata,
              blocks: view.blocks,
              hash: view.hash,
            },
            values: values as Record<string, Record<string, unknown>>,
          }),
        ),
      );
      // An empty 200 closes the modal; `response_action` answers keep it open (errors) or change it.
      if (!text.trim()) return { ok: true, close: true };
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        return { ok: true, close: true };
      }
      const action = isObject(answer) ? answer.response_action : undefined;
      if (action === 'errors' && isObject(answer)) return { ok: true, errors: answer.errors };
      if ((action === 'update' || action === 'push') && isObject(answer) && isObject(answer.view))
        return { ok: true, view: { ...answer.view, id: view.id } };
      return { ok: true, close: true };
    },

    /**
     * Marks a channel as shared with the client (Slack Connect) or not: the fake's
     * conversations.info reports it from now on, and the bot is made to ask again.
     */
    async share(body) {
      const w = ctx.world();
      const ws = SANDBOX_WORKSPACES.find((x) => x.channels.some((c) => c.id === body.channel));
      if (!ws) throw new HttpError(400, 'unknown channel');
      const ch = channelOf(body, ws);
      const how = str(body, 'how', 10) as ChannelSharing | undefined;
      if (!how || !SHARINGS.includes(how))
        throw new HttpError(400, 'how: ext, pending, org or none');
      w.fake.shareChannel(ch.id, how);
      await w.bot.forgetSharing(ch.id);
      ctx.broadcast('channel', { id: ch.id, shared: how });
      ctx.persist(w);
      // Shared with another organisation: Slack tells the app at once (an invitation still
      // pending sends nothing; the bot finds it at its next write there).
      // A workspace without Amends sends the app nothing.
      if (how === 'ext' && w.installed.has(ws.team.id)) {
        const event = { type: 'channel_shared', connected_team_id: 'T0CLIENT01', channel: ch.id };
        await toBot(
          w,
          JSON.stringify(eventEnvelope(ws.team.id, event, w.clock.now())),
          undefined,
          'application/json',
        );
      }
      return { ok: true, channel: ch.id, shared: how };
    },
  };
}
