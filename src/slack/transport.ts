import http from 'node:http';
import https from 'node:https';
import type { FetchFunction } from '@slack/web-api';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];

/**
 * The Web API client's transport (`@slack/web-api`'s `fetch` option) on Node's `http`/`https` with
 * one keep-alive agent per protocol: a Web API call needs only a form body out and JSON text back,
 * and the global `fetch`'s WHATWG objects cost CPU on every call. Bodies that are not plain strings
 * (file uploads send FormData) still go to the global `fetch`.
 *
 * What the client relies on is kept: the status and its text, the headers (`retry-after` for 429,
 * the OAuth scopes), the body as text, JSON or bytes, and the abort signal of its timeout, which
 * also ends a response still arriving. Errors (refused connection, reset, abort) reject, and the
 * client turns them into its `slack_webapi_request_error`, as it does with `fetch`'s.
 */
export function keepAliveFetch(
  o: { readonly maxSockets?: number; readonly idleMs?: number } = {},
): FetchFunction {
  // An idle connection is closed after 4 s, as undici (Node's fetch) does by default: a post must
  // not go out on a connection the server is closing at that moment, and Slack's side keeps idle
  // connections open longer than that.
  const shape = { keepAlive: true, maxSockets: o.maxSockets ?? 100, timeout: o.idleMs ?? 4000 };
  const agents = { http: new http.Agent(shape), https: new https.Agent(shape) };
  return (input, init = {}) => {
    const { body, signal } = init;
    if (body !== undefined && typeof body !== 'string')
      return globalThis.fetch(input, init as RequestInit) as Promise<FetchResponse>;
    const url = typeof input === 'string' ? new URL(input) : input;
    const secure = url.protocol === 'https:';
    return new Promise<FetchResponse>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const headers: Record<string, string | number> = { ...init.headers };
      if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
      const req = (secure ? https : http).request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          agent: secure ? agents.https : agents.http,
          ...(signal ? { signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve(
              new BufferedResponse(
                url.href,
                res.statusCode ?? 0,
                res.statusMessage ?? '',
                res.headers,
                Buffer.concat(chunks),
              ),
            ),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}

/** A response whose body has fully arrived: the part of `Response` the Web API client reads. */
class BufferedResponse implements FetchResponse {
  readonly headers: FetchHeaders;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    raw: http.IncomingHttpHeaders,
    readonly body: Buffer,
  ) {
    this.headers = new ReceivedHeaders(raw);
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.body;
    return buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
  }
}

/** Node's header object (lower-case names, repeated headers as arrays) read the way `Headers` is. */
class ReceivedHeaders implements FetchHeaders {
  constructor(readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) {
      const v = this.get(name);
      if (v !== null) yield [name, v];
    }
  }
}

/** Told of each Web API call's end: the method, the HTTP status (0: no answer), seconds, Slack's error. */
export type SlackCallObserver = (
  method: string,
  status: number,
  seconds: number,
  error: string | null,
) => void;

/**
 * A transport that tells `observe` how each call went, for /metrics and the readiness probe: the
 * method is the URL's last segment (`…/api/chat.postMessage`); Slack's `error` is read only from a
 * body already in memory that says `"ok":false` (the keep-alive transport's), so a successful call
 * costs no parse. Never changes the response.
 */
export function observedFetch(inner: FetchFunction, observe: SlackCallObserver): FetchFunction {
  return async (input, init) => {
    const started = performance.now();
    const url = typeof input === 'string' ? input : input.href;
    const method = url.split('?')[0]?.split('/').pop() ?? '';
    const tell = (status: number, error: string | null) => {
      try {
        observe(method, status, (performance.now() - started) / 1000, error);
      } catch {
        // an observer's failure must never fail the call
      }
    };
    let res: FetchResponse;
    try {
      res = await inner(input, init);
    } catch (e) {
      tell(0, null);
      throw e;
    }
    tell(res.status, res instanceof BufferedResponse ? slackError(res.body) : null);
    return res;
  };
}

const NOT_OK = Buffer.from('"ok":false');

/** Slack's `error` in a JSON body that says `"ok":false` (null otherwise). */
function slackError(body: Buffer): string | null {
  if (body.indexOf(NOT_OK) < 0) return null;
  try {
    const e = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
    return typeof e === 'string' ? e : null;
  } catch {
    return null;
  }
}
