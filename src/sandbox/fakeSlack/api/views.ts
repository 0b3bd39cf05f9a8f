/** views.*: modals (open, push, update) and App Home tabs (publish). */
import type { Args, StoredView } from '../types.js';
import { APP_ID, fail, isObject, str, truthy } from '../values.js';
import type { FakeWorld } from '../world.js';
import { blocksOf, type Call, type Handler } from './common.js';

function buildView(
  w: FakeWorld,
  call: Call,
  a: Args,
  id: string,
  root: string,
  previous: string | null,
): StoredView {
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
    team_id: call.team,
    type,
    blocks,
    private_metadata: privateMetadata,
    callback_id: typeof v.callback_id === 'string' ? v.callback_id : '',
    external_id: typeof v.external_id === 'string' ? v.external_id : '',
    state: { values: {} },
    hash: w.newHash(),
    title,
    submit: v.submit ?? null,
    close: v.close ?? null,
    clear_on_close: truthy(v.clear_on_close),
    notify_on_close: truthy(v.notify_on_close),
    root_view_id: root,
    previous_view_id: previous,
    app_id: APP_ID,
    app_installed_team_id: call.team,
    bot_id: w.botId,
  };
}

function openView(
  w: FakeWorld,
  call: Call,
  a: Args,
  root?: string,
  previous: string | null = null,
) {
  if (!str(a, 'trigger_id')) fail('invalid_trigger_id');
  const id = w.newId('V');
  const view = buildView(w, call, a, id, root ?? id, previous);
  w.views.set(id, view);
  w.emitter.emit('view', view);
  return { ok: true, view };
}

export const views: Record<string, Handler> = {
  'views.open': (w, a, call) => openView(w, call, a),
  'views.push': (w, a, call) => {
    const top = [...w.views.values()].at(-1);
    return openView(w, call, a, top?.root_view_id, top?.id ?? null);
  },
  'views.update': (w, a, call) => {
    const viewId = str(a, 'view_id');
    const externalId = str(a, 'external_id');
    if (!viewId && !externalId) fail('invalid_arguments');
    const all = [...w.views.values(), ...w.homeViews.values()];
    const old = all.find((v) => (viewId ? v.id === viewId : v.external_id === externalId));
    if (!old || old.team_id !== call.team) return fail('not_found');
    const hash = str(a, 'hash');
    if (hash && hash !== old.hash) fail('hash_conflict');
    const view = buildView(w, call, a, old.id, old.root_view_id, old.previous_view_id);
    const home = [...w.homeViews].find(([, v]) => v.id === old.id);
    if (home) {
      w.homeViews.set(home[0], view);
      w.emitter.emit('home', { userId: home[0], view });
    } else {
      w.views.set(view.id, view);
      w.emitter.emit('view', view);
    }
    return { ok: true, view };
  },
  'views.publish': (w, a, call) => {
    const userId = str(a, 'user_id') ?? fail('invalid_arguments');
    if (w.foreign(userId, call.team)) fail('user_not_found');
    const old = w.homeViews.get(userId);
    const hash = str(a, 'hash');
    if (hash && old && hash !== old.hash) fail('hash_conflict');
    const id = old?.id ?? w.newId('V');
    const view = buildView(w, call, a, id, id, null);
    if (view.type !== 'home') fail('invalid_arguments');
    w.homeViews.set(userId, view);
    w.emitter.emit('home', { userId, view });
    return { ok: true, view };
  },
};
