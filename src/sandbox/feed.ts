/**
 * What the fake Slack does, pushed to the page: each message, update, deletion, ephemeral, modal
 * and App Home the bot sends shows at once, and the fake Slack's state is saved as it changes.
 */
import type { StoredMessage, StoredResponse, StoredView } from './fakeSlack.js';
import { pageUser, SANDBOX_CHANNELS, SANDBOX_TEAM, SANDBOX_USERS, workspacesOf } from './people.js';
import { ephemeralId, type PageEphemeral } from './saved.js';
import type { SandboxContext, World } from './world.js';

/**
 * Wires a new world's fake Slack to the page. Saved at once, before the fake answers the call that
 * changed it, so whatever Slack said "ok" to survives a kill of the process as it does in Slack.
 */
export function feedPage(w: World, ctx: SandboxContext): void {
  const { fake } = w;
  let pendingOwner: string | undefined;
  for (const event of ['message', 'update', 'delete', 'ephemeral', 'response'] as const)
    fake.on(event, () => ctx.persist(w));
  fake.on('message', (m: StoredMessage) => {
    const parent =
      m.thread_ts && m.thread_ts !== m.ts ? fake.findMessage(m.channel, m.thread_ts) : undefined;
    ctx.broadcast('message', { message: m, parent });
  });
  fake.on('update', (m: StoredMessage) => ctx.broadcast('update', { message: m }));
  // A deleted message leaves the page at once (with its thread's parent, whose reply count fell).
  fake.on('delete', (m: StoredMessage) => {
    const parent =
      m.thread_ts && m.thread_ts !== m.ts ? fake.findMessage(m.channel, m.thread_ts) : undefined;
    ctx.broadcast('delete', { message: { channel: m.channel, ts: m.ts }, parent });
  });
  fake.on('ephemeral', (e) => {
    const eph: PageEphemeral = {
      id: ephemeralId(),
      channel: e.channel,
      user: e.user,
      ts: e.message_ts,
      text: e.text,
      ...(e.blocks ? { blocks: e.blocks } : {}),
      ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
    };
    w.ephemerals.push(eph);
    ctx.broadcast('ephemeral', eph);
  });
  fake.on('response', (r: StoredResponse) => {
    // response_url paths are `<user>/<channel>/<n>`: a respond() is an ephemeral for that user.
    const [user, channel] = r.path.split('/');
    if (!user || !channel || r.body.delete_original) return;
    const eph: PageEphemeral = {
      id: ephemeralId(),
      channel,
      user,
      ts: (w.clock.now().getTime() / 1000).toFixed(6),
      text: typeof r.body.text === 'string' ? r.body.text : '',
      ...(Array.isArray(r.body.blocks) ? { blocks: r.body.blocks } : {}),
    };
    w.ephemerals.push(eph);
    ctx.broadcast('ephemeral', eph);
  });
  // views.open carries the trigger_id of the click that asked for it; the `view` event follows
  // in the same turn, so the owner found here is the modal's.
  fake.on('call', (c) => {
    if (c.method === 'views.open' || c.method === 'views.push') {
      const t = typeof c.args.trigger_id === 'string' ? c.args.trigger_id : '';
      pendingOwner = w.triggerOwner.get(t);
      w.triggerOwner.delete(t);
    }
  });
  fake.on('view', (v: StoredView) => {
    const owner = w.viewOwner.get(v.id) ?? pendingOwner;
    pendingOwner = undefined;
    if (!owner) return;
    w.viewOwner.set(v.id, owner);
    ctx.broadcast('view', { user: owner, view: v });
  });
  // App Home, published (views.publish) or updated: the page redraws it if that user has it open.
  fake.on('home', ({ userId, view }) => ctx.broadcast('home', { user: userId, view }));
}

/** Everything the page shows, as it opens (then the events above keep it up to date). */
export const snapshot = (w: World) => ({
  /** The first workspace's team, people and channels (as before there were two). */
  team: SANDBOX_TEAM,
  bot: { id: w.fake.botUserId, name: 'Amends' },
  users: SANDBOX_USERS.map(pageUser),
  channels: SANDBOX_CHANNELS.map((c) => ({ ...c, shared: w.fake.sharingOf(c.id) })),
  workspaces: workspacesOf(w.installed, w.fake),
  now: w.clock.now().toISOString(),
  messages: w.fake.messages,
  ephemerals: w.ephemerals,
  /** App Home views published so far, by user (kept in memory only: opening Home asks again). */
  homes: Object.fromEntries(w.fake.homeViews),
});
