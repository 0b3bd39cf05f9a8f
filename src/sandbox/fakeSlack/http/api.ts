/**
 * One Web API call (`/api/<method>`): parse the body as Slack does (a form, with its JSON fields,
 * or JSON), record the call, apply the faults, then route it by method name to its family's handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appMethods, methods } from '../api/index.js';
import type { Args, RecordedCall } from '../types.js';
import { fail, isObject, SlackError, str } from '../values.js';
import type { FakeWorld } from '../world.js';
import type { Faults } from './faults.js';
import { send } from './respond.js';

/** Form fields Slack reads as JSON. */
const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'] as const;

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

/** Answers what a handler returns, or the Slack error it throws as `{ ok: false, error }`. */
function answer(res: ServerResponse, run: () => Args): void {
  try {
    send(res, 200, run());
  } catch (e) {
    if (!(e instanceof SlackError)) throw e;
    send(res, 200, { ok: false, error: e.message });
  }
}

export async function answerApi(
  w: FakeWorld,
  faults: Faults,
  method: string,
  req: IncomingMessage,
  raw: string,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const contentType = req.headers['content-type'] ?? '';
  let args: Args;
  let parseError: string | undefined;
  try {
    args = parseBody(raw, contentType, query);
  } catch (e) {
    args = {};
    parseError = e instanceof SlackError ? e.message : 'invalid_json';
  }
  const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? str(args, 'token');
  delete args.token;
  const call: RecordedCall = { method, args, at: w.now().getTime() };
  if (token) call.token = token;
  w.calls.push(call);
  w.emitter.emit('call', call);

  if (await faults.apply(method, res)) return;
  if (parseError) return send(res, 200, { ok: false, error: parseError });
  const appMethod = Object.hasOwn(appMethods, method) ? appMethods[method] : undefined;
  if (appMethod) return answer(res, () => appMethod(w, args));
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) return send(res, 200, { ok: false, error: 'unknown_method' });
  if (!token) return send(res, 200, { ok: false, error: 'not_authed' });
  const ctx = { token, json: contentType.includes('json'), team: w.teamOfToken(token) };
  answer(res, () => handler(w, args, ctx));
}
