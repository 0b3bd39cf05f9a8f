import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveFetch } from '../../src/slack/transport.js';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

let server: http.Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
});

/** A local Web API whose every answer the test decides; counts connections and keeps bodies. */
async function api(handler: Handler) {
  const seen: { path: string; body: string; headers: http.IncomingHttpHeaders }[] = [];
  let connections = 0;
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ path: req.url ?? '', body, headers: req.headers });
      handler(req, body, res);
    });
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/`, seen, connections: () => connections };
}

const client = (url: string, timeout = 10_000) =>
  new WebClient('xoxb-test', {
    slackApiUrl: url,
    fetch: keepAliveFetch(),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout,
  });

const json = (res: http.ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

describe('keepAliveFetch (the Web API client over node:http)', () => {
  /** Two posts through one client to a server that answers ok, with scopes and Greek text. */
  async function twoPosts() {
    const a = await api((_req, _body, res) =>
      json(
        res,
        200,
        { ok: true, ts: '1.000100', text: 'Κάτι πήγε στραβά · è' },
        {
          'x-oauth-scopes': 'chat:write, users:read',
        },
      ),
    );
    const c = client(a.url);
    const first = await c.chat.postMessage({ channel: 'C1', text: 'a & b = ½' });
    const second = await c.chat.postMessage({ channel: 'C1', text: 'again' });
    return { a, first, second };
  }

  it('reads the answer', async () => {
    const { first, second } = await twoPosts();
    expect(first).toMatchObject({ ok: true, ts: '1.000100', text: 'Κάτι πήγε στραβά · è' });
    expect(first.response_metadata?.scopes).toEqual(['chat:write', 'users:read']);
    expect(second.ok).toBe(true);
  });

  it('sends the form, with the token, as fetch did', async () => {
    const { a } = await twoPosts();
    expect(a.seen[0]?.path).toBe('/api/chat.postMessage');
    expect(a.seen[0]?.headers.authorization).toBe('Bearer xoxb-test');
    expect(new URLSearchParams(a.seen[0]?.body).get('text')).toBe('a & b = ½');
    expect(Number(a.seen[0]?.headers['content-length'])).toBe(
      Buffer.byteLength(a.seen[0]?.body ?? ''),
    );
  });

  it('reuses one connection', async () => {
    const { a } = await twoPosts();
    expect(a.connections()).toBe(1);
  });

  it('closes a connection left idle, so no post goes out on one the server is closing', async () => {
    const a = await api((_req, _body, res) => json(res, 200, { ok: true }));
    const c = new WebClient('xoxb-test', {
      slackApiUrl: a.url,
      fetch: keepAliveFetch({ idleMs: 30 }),
      retryConfig: { retries: 0 },
    });
    const closed = new Promise((resolve) =>
      server?.once('connection', (s) => s.once('close', resolve)),
    );
    await c.chat.postMessage({ channel: 'C1', text: 'x' });
    await closed; // the client's agent closed it: the server saw the socket end
    await c.chat.postMessage({ channel: 'C1', text: 'y' });
    expect(a.connections()).toBe(2);
  });

  it("a refusal is Slack's error code, as before", async () => {
    const a = await api((_req, _body, res) =>
      json(res, 200, { ok: false, error: 'not_in_channel' }),
    );
    await expect(
      client(a.url).chat.postMessage({ channel: 'C1', text: 'x' }),
    ).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'not_in_channel' },
    });
  });

  it('a 429 is a rate-limit error carrying Retry-After', async () => {
    const a = await api((_req, _body, res) => {
      json(res, 429, { ok: false }, { 'retry-after': '7' });
    });
    await expect(
      client(a.url).chat.postMessage({ channel: 'C1', text: 'x' }),
    ).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
  });

  it('a 5xx is an HTTP error carrying the status, the body', async () => {
    const a = await api((_req, _body, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>down</html>');
    });
    await expect(
      client(a.url).chat.postMessage({ channel: 'C1', text: 'x' }),
    ).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 503,
      body: '<html>down</html>',
    });
  });

  it("a Slack that never answers, or cuts its answer short, is the client's request error", async () => {
    const a = await api((req, _body, res) => {
      if (req.url?.endsWith('chat.update')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"ok":tr');
        res.socket?.destroy();
      }
      // chat.postMessage: no answer at all.
    });
    const c = client(a.url, 150);
    await expect(c.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    // The cut-off answer fails on its own, long before the client's 10 s timeout.
    await expect(
      client(a.url).chat.update({ channel: 'C1', ts: '1.0', text: 'x' }),
    ).rejects.toMatchObject({ code: ErrorCode.RequestError });
  });

  it('a refused connection is a request error too', async () => {
    const a = await api(() => {});
    const url = a.url;
    await new Promise((r) => server?.close(r));
    server = null;
    await expect(client(url).chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
  });

  it('a body that is not a string (a file upload) goes through the global fetch unchanged', async () => {
    const a = await api((_req, _body, res) => json(res, 200, { ok: true }));
    const form = new FormData();
    form.append('file', new Blob(['BEGIN:VCALENDAR']), 'amends-meeting-1-0.ics');
    const res = await keepAliveFetch()(`${a.url}upload`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(a.seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(a.seen[0]?.body).toContain('filename="amends-meeting-1-0.ics"');
  });
});
