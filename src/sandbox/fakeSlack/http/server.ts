/**
 * The fake's HTTP server, routing by path: the Web API (`/api/<method>`), upload URLs, url_private
 * downloads, response_url posts and the OAuth consent page. It also knows when it is idle: no Web
 * API call or upload still being answered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { StoredResponse } from '../types.js';
import { isObject, parseJson } from '../values.js';
import type { FakeWorld } from '../world.js';
import { answerApi } from './api.js';
import { authorize, decide } from './consent.js';
import type { Faults } from './faults.js';
import { receiveUpload, serveFile } from './files.js';
import { plain, send } from './respond.js';

export interface FakeServer {
  readonly server: Server;
  /** Resolves once no Web API request or upload is being answered. */
  idle(): Promise<void>;
}

/** A message sent to a response_url (a slash command's or an action's) is stored and told. */
function storeResponse(w: FakeWorld, path: string, raw: string, res: ServerResponse) {
  const body = parseJson(raw);
  if (!isObject(body)) return plain(res, 400, 'invalid_payload');
  const stored: StoredResponse = { path, body, at: w.now().getTime() };
  w.responses.push(stored);
  w.emitter.emit('response', stored);
  plain(res, 200, 'ok');
}

export function createFakeServer(w: FakeWorld, faults: Faults): FakeServer {
  let answering = 0;
  let idleWaiters: (() => void)[] = [];
  // A request counts as being answered until its handler is through, even if the caller hung
  // up (a killed bot): what Slack received, it stores.
  const track = (res: ServerResponse, answer: () => Promise<void>) => {
    answering++;
    void answer()
      .catch((e: unknown) => {
        if (!res.headersSent)
          send(res, 200, { ok: false, error: 'fatal_error', detail: String(e) });
      })
      .finally(() => {
        answering--;
        if (answering > 0) return;
        const waiting = idleWaiters;
        idleWaiters = [];
        for (const wake of waiting) wake();
      });
  };

  const route = (req: IncomingMessage, res: ServerResponse, bytes: Buffer) => {
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    if (path === '/oauth/v2/authorize') {
      if (req.method === 'GET') return authorize(w, url, res);
      if (req.method === 'POST') return decide(w, raw, res);
    }
    const api = /^\/api\/([\w.]+)$/.exec(path)?.[1];
    if (api && (req.method === 'POST' || req.method === 'GET'))
      return track(res, () => answerApi(w, faults, api, req, raw, url.searchParams, res));
    const upload = /^\/upload\/v1\/([0-9a-f]+)$/.exec(path)?.[1];
    if (upload && req.method === 'POST')
      return track(res, () => receiveUpload(w, upload, req, bytes, res));
    const download = /^\/files-pri\/[A-Z0-9]+-(F[A-Z0-9]+)\/(?:download\/)?[^/]+$/.exec(path)?.[1];
    if (download && req.method === 'GET') return serveFile(w, download, req, res);
    const response = /^\/response\/(.*)$/.exec(path);
    if (response && req.method === 'POST') return storeResponse(w, response[1] ?? '', raw, res);
    plain(res, 404, 'not_found');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(req, res, Buffer.concat(chunks)));
  });
  return {
    server,
    idle: () =>
      answering === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r)),
  };
}
