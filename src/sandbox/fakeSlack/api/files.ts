/**
 * files.*: Slack's three-step upload (getUploadURLExternal, the bytes POSTed to the upload URL,
 * completeUploadExternal sharing them in one message) and files.delete.
 */
import { randomBytes } from 'node:crypto';
import type { Args, SlackFile, StoredFile, StoredMessage } from '../types.js';
import { fail, isObject, PERMALINK_HOST, parseJson, str } from '../values.js';
import type { FakeWorld } from '../world.js';
import { blocksOf, type Handler, writableChannel } from './common.js';

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

/** A stored upload as Slack describes it (the `files` of completeUploadExternal and of the message). */
function fileObject(w: FakeWorld, f: StoredFile): SlackFile {
  const created = Math.floor(f.at / 1000);
  const { filetype, pretty_type } = typeOf(f.filename);
  const c = f.channel;
  const where = c?.startsWith('D') ? 'ims' : c?.startsWith('G') ? 'groups' : 'channels';
  const team = f.team ?? w.teamId;
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
    user: w.botUserId,
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
    url_private: `${w.base}/files-pri/${path}/${name}`,
    url_private_download: `${w.base}/files-pri/${path}/download/${name}`,
    permalink: `${PERMALINK_HOST}/files/${w.botUserId}/${f.id}/${name}`,
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
      ...(where === 'ims' ? {} : { channel_name: w.nameOf(c) }),
      team_id: team,
      share_user_id: w.botUserId,
      reply_users: [],
      reply_users_count: 0,
      reply_count: 0,
      ...(f.thread_ts ? { thread_ts: f.thread_ts } : {}),
    };
    file.shares = { [where === 'channels' ? 'public' : 'private']: { [c]: [share] } };
  }
  return file;
}

export const files: Record<string, Handler> = {
  /** Step 1 of an upload: a file id and the address its bytes go to. */
  'files.getUploadURLExternal': (w, a, { json }) => {
    // Slack reads this method's arguments from a form only: a JSON body is invalid_arguments.
    if (json) fail('invalid_arguments');
    const filename = str(a, 'filename') ?? fail('invalid_arguments');
    const length = Number(str(a, 'length'));
    if (!Number.isSafeInteger(length) || length < 0) fail('invalid_arguments');
    const id = w.newId('F');
    const key = randomBytes(16).toString('hex');
    w.uploads.set(id, { id, key, filename, length, content: null });
    w.uploadKeys.set(key, id);
    return { ok: true, upload_url: `${w.base}/upload/v1/${key}`, file_id: id };
  },
  /** A file is deleted with every share of it (a share left with no file goes with it). */
  'files.delete': (w, a) => {
    const id = str(a, 'file') ?? fail('invalid_arguments');
    const f = w.files.find((x) => x.id === id) ?? fail('file_not_found');
    w.files.splice(w.files.indexOf(f), 1);
    if (f.channel && f.message_ts) {
      const msg = w.findMessage(f.channel, f.message_ts);
      if (msg) {
        msg.files = (msg.files ?? []).filter((x) => x.id !== id);
        if (msg.files.length === 0) w.remove(msg);
      }
    }
    return { ok: true };
  },
  /** Step 3: the uploaded files are shared in one message (or stay private without a channel). */
  'files.completeUploadExternal': (w, a, call) => {
    const listed = typeof a.files === 'string' ? parseJson(a.files) : a.files;
    if (!Array.isArray(listed) || listed.length === 0) return fail('invalid_arguments');
    const named = listed.map((f) =>
      isObject(f) && typeof f.id === 'string' ? f : fail('invalid_arguments'),
    );
    // "This method can only be called once": a completed (or never uploaded) file is not found.
    const pending = named.map((f) => {
      const u = w.uploads.get(String(f.id));
      return u?.content ? { ...u, content: u.content } : fail('file_not_found');
    });
    if (new Set(pending.map((u) => u.id)).size !== pending.length) fail('invalid_arguments');
    const target = str(a, 'channel_id') ?? str(a, 'channels');
    if (target?.includes(',')) fail('invalid_arguments'); // one channel, as uploadV2 sends it
    const threadTs = str(a, 'thread_ts');
    if (threadTs && !target) fail('invalid_arguments');
    const channel = target ? writableChannel(w, call, { channel: target }) : null;
    const comment = str(a, 'initial_comment');
    // Blocks are used only without an initial comment, as Slack does.
    const blocks = comment === undefined ? blocksOf(a, 50) : undefined;

    const at = w.now().getTime();
    const done: StoredFile[] = pending.map((u, i) => {
      const title = named[i]?.title;
      const f: StoredFile = {
        id: u.id,
        team: call.team,
        filename: u.filename,
        title: typeof title === 'string' && title !== '' ? title : u.filename,
        channel,
        content: u.content,
        mimetype: typeOf(u.filename).mimetype,
        at,
      };
      if (threadTs) f.thread_ts = threadTs;
      if (comment !== undefined) f.initial_comment = comment;
      w.uploads.delete(u.id);
      w.uploadKeys.delete(u.key);
      return f;
    });
    if (channel) {
      const ts = w.nextTs();
      for (const f of done) f.message_ts = ts;
      const msg: StoredMessage = {
        type: 'message',
        subtype: 'file_share',
        channel,
        ts,
        text: comment ?? '',
        user: w.botUserId,
        bot_id: w.botId,
        upload: true,
        display_as_bot: false,
        files: done.map((f) => fileObject(w, f)),
      };
      if (blocks) msg.blocks = blocks;
      w.files.push(...done);
      w.store(msg, threadTs);
    } else {
      w.files.push(...done);
    }
    return { ok: true, files: done.map((f) => fileObject(w, f)) };
  },
};
