/**
 * The sandbox page's HTTP side: a route table (method and path to handler), the checks every
 * request passes first (loopback host, same origin, a world to answer from), and the JSON helpers
 * its API uses.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

const MAX_BODY = 1_000_000;

/** An answer with a status and a message the page shows (anything else is a 500). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string field of a request body, at most `max` characters (absent: undefined). */
export const str = (o: Record<string, unknown>, k: string, max = 4000): string | undefined => {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new HttpError(400, `${k} must be a string`);
  if (v.length > max)
    throw new HttpError(400, `${k} is too long (${max.toLocaleString('en')} characters at most)`);
  return v;
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    throw new HttpError(415, 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(c);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
  if (!isObject(parsed)) throw new HttpError(400, 'expected a JSON object');
  return parsed;
}

export const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(type.startsWith('text/html')
      ? {
          'content-security-policy':
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        }
      : {}),
  });
  res.end(body);
};

export const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

/**
 * A file the bot uploaded, as a download: always an attachment, never rendered here (the bytes
 * are the bot's, or whatever it was given), with a CSP that would stop any script in it.
 */
export const download = (
  res: ServerResponse,
  f: { readonly filename: string; readonly mimetype: string; readonly content: Buffer },
) => {
  const ascii = f.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.writeHead(200, {
    'content-type': f.mimetype,
    'content-length': f.content.length,
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.filename)}`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
  res.end(f.content);
};

/** A request as a handler gets it: `params` are the groups of a pattern path. */
export interface Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly params: readonly string[];
}

export interface Route {
  readonly method: 'GET' | 'POST';
  /** An exact path, or a pattern (anchored) whose groups become `params`. */
  readonly path: string | RegExp;
  readonly handle: (r: Request) => void;
}

/** A GET answered with fixed content. */
export const content = (path: string, type: string, body: string): Route => ({
  method: 'GET',
  path,
  handle: ({ res }) => send(res, 200, type, body),
});

/**
 * A POST of the page's JSON API: the body read as a JSON object, the answer the handler's result.
 * An HttpError answers with its status; anything else is logged and answered with a 500.
 */
export const api = (
  path: string,
  handler: (body: Record<string, unknown>) => Promise<unknown>,
  failed: (path: string, e: unknown) => void,
): Route => ({
  method: 'POST',
  path,
  handle: ({ req, res }) => {
    readJson(req)
      .then(handler)
      .then(
        (out) => json(res, 200, out),
        (e: unknown) => {
          if (e instanceof HttpError) return json(res, e.status, { ok: false, error: e.message });
          failed(path, e);
          json(res, 500, { ok: false, error: 'the sandbox hit an error (see the terminal)' });
        },
      );
  },
});

export interface RouterOptions {
  /** The `host:port` names the page is served under (loopback): another Host or Origin gets 403. */
  allowedHosts(): readonly string[];
  /** Why no request can be answered now (starting, stopping), or null. */
  unavailable(): string | null;
}

/**
 * Answers each request from the first route of its method and path, after the checks: loopback
 * only, and only for pages served from here (a DNS-rebinding or cross-site page gets 403).
 */
export function router(routes: readonly Route[], o: RouterOptions): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const hosts = o.allowedHosts();
    if (!hosts.includes(req.headers.host ?? '')) return json(res, 403, { error: 'host' });
    const origin = req.headers.origin;
    if (origin && !hosts.some((h) => origin === `http://${h}`))
      return json(res, 403, { error: 'origin' });
    const why = o.unavailable();
    if (why) return json(res, 503, { error: why });
    for (const route of routes) {
      if (route.method !== req.method) continue;
      if (typeof route.path === 'string') {
        if (route.path === url.pathname) return route.handle({ req, res, params: [] });
        continue;
      }
      const m = route.path.exec(url.pathname);
      if (m) return route.handle({ req, res, params: m.slice(1).map((g) => g ?? '') });
    }
    json(res, 404, { error: 'not found' });
  };
}
