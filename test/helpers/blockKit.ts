/**
 * Checks on what the bot sent to Slack, read from the fake Web API's recorded calls:
 * - `mentionLeaks`: any `<!channel>`, `<!here>` or `<!everyone>` in mrkdwn text or a `text` fallback
 *   (plain_text is never parsed for mentions, so user text there is harmless);
 * - `shapeProblems`: Block Kit limits the real Slack enforces and the fake does not
 *   (text lengths, element counts, plain_text_input max_length, unique ids, non-empty text).
 */
import type { FakeSlack } from '../../src/sandbox/fakeSlack.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Every string Slack reads as mrkdwn inside a block tree. */
export function mrkdwnTexts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) mrkdwnTexts(v, out);
  else if (isObj(value)) {
    if (value.type === 'mrkdwn' && typeof value.text === 'string') out.push(value.text);
    for (const v of Object.values(value)) mrkdwnTexts(v, out);
  }
  return out;
}

export interface Posted {
  /** e.g. `chat.postMessage#3`, `response#0` */
  readonly where: string;
  /** Top-level `text` (fallback / notification text), when there is one. */
  readonly text?: string;
  readonly blocks: unknown[];
  readonly surface: 'message' | 'modal' | 'home';
  readonly view?: Obj;
}

/** Everything the bot sent that a person can see: messages, edits, ephemerals, responses, views. */
export function allPosted(fake: FakeSlack): Posted[] {
  const out: Posted[] = [];
  fake.calls.forEach((c, i) => {
    const where = `${c.method}#${i}`;
    const text = typeof c.args.text === 'string' ? c.args.text : undefined;
    if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method))
      out.push({
        where,
        ...(text !== undefined ? { text } : {}),
        blocks: arr(c.args.blocks),
        surface: 'message',
      });
    if (['views.open', 'views.push', 'views.update', 'views.publish'].includes(c.method)) {
      const view = isObj(c.args.view) ? c.args.view : {};
      out.push({
        where,
        blocks: arr(view.blocks),
        surface: view.type === 'home' ? 'home' : 'modal',
        view,
      });
    }
  });
  fake.responses.forEach((r, i) => {
    out.push({
      where: `response#${i}`,
      ...(typeof r.body.text === 'string' ? { text: r.body.text } : {}),
      blocks: arr(r.body.blocks),
      surface: 'message',
    });
  });
  return out;
}

const BROADCAST = /<!(channel|here|everyone)(\||>)/i;

export function mentionLeaks(fake: FakeSlack): string[] {
  const leaks: string[] = [];
  for (const p of allPosted(fake)) {
    if (p.text !== undefined && BROADCAST.test(p.text)) leaks.push(`${p.where} text: ${p.text}`);
    for (const t of mrkdwnTexts(p.blocks))
      if (BROADCAST.test(t)) leaks.push(`${p.where} mrkdwn: ${t.slice(0, 200)}`);
  }
  return leaks;
}

/** Slack's documented limits for the parts of Block Kit Amends uses. */
export function blockProblems(blocks: unknown[], surface: Posted['surface']): string[] {
  const p: string[] = [];
  const maxBlocks = surface === 'message' ? 50 : 100;
  if (blocks.length > maxBlocks) p.push(`${blocks.length} blocks (max ${maxBlocks})`);
  const textObj = (t: unknown, max: number, where: string, plainOnly = false) => {
    if (!isObj(t)) return void p.push(`${where}: missing text object`);
    if (t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn'))
      p.push(`${where}: text type ${String(t.type)}`);
    const s = typeof t.text === 'string' ? t.text : '';
    if (s.length === 0) p.push(`${where}: empty text`);
    if (s.length > max) p.push(`${where}: text ${s.length} > ${max}`);
  };
  const option = (o: unknown, where: string) => {
    if (!isObj(o)) return void p.push(`${where}: bad option`);
    textObj(o.text, 75, `${where}.text`);
    if (typeof o.value !== 'string' || o.value.length > 150) p.push(`${where}: value > 150`);
  };
  const confirm = (c: unknown, where: string) => {
    if (c === undefined) return;
    if (!isObj(c)) return void p.push(`${where}: bad confirm`);
    textObj(c.title, 100, `${where}.title`, true);
    textObj(c.text, 300, `${where}.text`);
    textObj(c.confirm, 30, `${where}.confirm`, true);
    textObj(c.deny, 30, `${where}.deny`, true);
  };
  const element = (e: unknown, where: string, ids: Set<string>) => {
    if (!isObj(e)) return void p.push(`${where}: bad element`);
    const id = e.action_id;
    if (typeof id === 'string') {
      if (id.length > 255) p.push(`${where}: action_id > 255`);
      if (ids.has(id)) p.push(`${where}: duplicate action_id ${id} in block`);
      ids.add(id);
    }
    switch (e.type) {
      case 'button':
        textObj(e.text, 75, `${where}.text`, true);
        if (typeof e.value === 'string' && e.value.length > 2000) p.push(`${where}: value > 2000`);
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
          p.push(`${where}: style ${String(e.style)}`);
        confirm(e.confirm, `${where}.confirm`);
        break;
      case 'overflow': {
        const opts = arr(e.options);
        if (opts.length < 1 || opts.length > 5) p.push(`${where}: ${opts.length} overflow options`);
        for (const [i, o] of opts.entries()) option(o, `${where}.options[${i}]`);
        confirm(e.confirm, `${where}.confirm`);
        break;
      }
      case 'static_select':
      case 'radio_buttons': {
        const opts = arr(e.options);
        const max = e.type === 'radio_buttons' ? 10 : 100;
        if (opts.length < 1 || opts.length > max) p.push(`${where}: ${opts.length} options`);
        for (const [i, o] of opts.entries()) option(o, `${where}.options[${i}]`);
        if (e.initial_option !== undefined) option(e.initial_option, `${where}.initial_option`);
        break;
      }
      case 'plain_text_input': {
        const max = e.max_length;
        if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 3000))
          p.push(`${where}: max_length ${String(max)} (Slack accepts 1..3000)`);
        const min = e.min_length;
        if (min !== undefined && (typeof min !== 'number' || min < 0 || min > 3000))
          p.push(`${where}: min_length ${String(min)}`);
        break;
      }
      case 'conversations_select': {
        // Only the filter keys Slack documents, with include from its four kinds.
        const f = e.filter;
        if (f !== undefined) {
          if (!isObj(f)) p.push(`${where}.filter: not an object`);
          else {
            for (const k of Object.keys(f))
              if (!['include', 'exclude_external_shared_channels', 'exclude_bot_users'].includes(k))
                p.push(`${where}.filter.${k}: unknown`);
            for (const kind of arr(f.include))
              if (!['im', 'mpim', 'private', 'public'].includes(String(kind)))
                p.push(`${where}.filter.include: ${String(kind)}`);
          }
        }
        break;
      }
      case 'users_select':
      case 'datepicker':
      case 'timepicker':
        break;
      default:
        p.push(`${where}: unexpected element type ${String(e.type)}`);
    }
  };
  const blockIds = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    const where = `blocks[${i}]`;
    if (!isObj(b)) {
      p.push(`${where}: not an object`);
      continue;
    }
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > 255) p.push(`${where}: block_id > 255`);
      if (blockIds.has(b.block_id)) p.push(`${where}: duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        textObj(b.text, 150, `${where}.text`, true);
        break;
      case 'section':
        if (b.text !== undefined) textObj(b.text, 3000, `${where}.text`);
        if (b.text === undefined && b.fields === undefined)
          p.push(`${where}: section without text`);
        if (b.accessory !== undefined) element(b.accessory, `${where}.accessory`, new Set());
        break;
      case 'context': {
        const els = arr(b.elements);
        if (els.length < 1 || els.length > 10) p.push(`${where}: ${els.length} context elements`);
        for (const [j, e] of els.entries()) textObj(e, 3000, `${where}.elements[${j}]`);
        break;
      }
      case 'actions': {
        const els = arr(b.elements);
        if (els.length < 1 || els.length > 25) p.push(`${where}: ${els.length} action elements`);
        const ids = new Set<string>();
        for (const [j, e] of els.entries()) element(e, `${where}.elements[${j}]`, ids);
        break;
      }
      case 'input':
        if (surface === 'message') p.push(`${where}: input block in a message`);
        textObj(b.label, 2000, `${where}.label`, true);
        if (b.hint !== undefined) textObj(b.hint, 2000, `${where}.hint`, true);
        element(b.element, `${where}.element`, new Set());
        break;
      case 'divider':
        break;
      default:
        p.push(`${where}: unexpected block type ${String(b.type)}`);
    }
  }
  return p;
}

export function viewProblems(view: Obj): string[] {
  const p: string[] = [];
  if (view.type === 'modal') {
    for (const k of ['title', 'submit', 'close'] as const) {
      const t = view[k];
      if (k === 'title' || t !== undefined) {
        const s = isObj(t) && typeof t.text === 'string' ? t.text : '';
        if (!s || s.length > 24) p.push(`view.${k}: "${s}" (1..24 characters)`);
      }
    }
    if (typeof view.callback_id === 'string' && view.callback_id.length > 255)
      p.push('view.callback_id > 255');
  }
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000)
    p.push('view.private_metadata > 3000');
  return p;
}

/** Every Block Kit limit broken by anything the bot sent, with where it happened. */
/** Every `text` string in a block tree (what Slack counts toward a message's 12,000). */
function textsIn(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(textsIn);
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) =>
    k === 'text' && typeof x === 'string' ? [x] : textsIn(x),
  );
}

export function shapeProblems(fake: FakeSlack): string[] {
  const out: string[] = [];
  for (const posted of allPosted(fake)) {
    const problems = [
      ...blockProblems(posted.blocks, posted.surface),
      ...(posted.view ? viewProblems(posted.view) : []),
    ];
    if (posted.surface === 'message' && posted.text === undefined && posted.blocks.length === 0)
      problems.push('message without text or blocks');
    if (posted.surface === 'message') {
      const total = textsIn(posted.blocks).reduce((n, x) => n + x.length, 0);
      if (total > 12_000) problems.push(`blocks hold ${total} characters (Slack allows 12,000)`);
    }
    for (const x of problems) out.push(`${posted.where}: ${x}`);
  }
  return out;
}
