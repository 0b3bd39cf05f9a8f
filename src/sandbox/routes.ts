/** The sandbox page's routes: the page itself, its event stream, downloads and its JSON API. */
import type { ServerResponse } from 'node:http';
import { sandboxActions } from './actions.js';
import { snapshot } from './feed.js';
import { api, content, download, json, type Route, send } from './http.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';
import type { SandboxContext } from './world.js';

type Call = (body: Record<string, unknown>) => Promise<unknown>;

export interface RouteOptions {
  readonly ctx: SandboxContext;
  /** The pages listening to the event stream (ctx.broadcast writes to them). */
  readonly clients: Set<ServerResponse>;
  /** Throws the world away and starts on a fresh database. */
  readonly reset: Call;
  /** Walks the clock forward (walk.ts). */
  readonly moveClock: Call;
  /** A request failed with something other than an HttpError: for the log. */
  readonly failed: (path: string, e: unknown) => void;
}

/**
 * The route table: GET for the page, its state, its event stream and the bot's uploads; POST for
 * what the page's people do (each in its own turn of ctx.serial), Reset, and the clock.
 */
export function sandboxRoutes({ ctx, clients, reset, moveClock, failed }: RouteOptions): Route[] {
  return [
    content('/', 'text/html; charset=utf-8', PAGE_HTML),
    content('/sandbox.js', 'text/javascript; charset=utf-8', PAGE_JS),
    content('/sandbox.css', 'text/css; charset=utf-8', PAGE_CSS),
    {
      method: 'GET',
      path: '/api/state',
      handle: ({ res }) => json(res, 200, snapshot(ctx.world())),
    },
    {
      method: 'GET',
      path: '/events',
      handle: ({ req, res }) => {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(
          `retry: 1000\nevent: snapshot\ndata: ${JSON.stringify(snapshot(ctx.world()))}\n\n`,
        );
        clients.add(res);
        req.on('close', () => clients.delete(res));
      },
    },
    { method: 'GET', path: '/favicon.ico', handle: ({ res }) => send(res, 204, 'text/plain', '') },
    // Add to Slack: the bot's own install path (its port changes with each start and Reset).
    {
      method: 'GET',
      path: '/install',
      handle: ({ res }) => {
        res.writeHead(302, {
          location: `${ctx.world().botBase}/slack/install`,
          'cache-control': 'no-store',
        });
        res.end();
      },
    },
    {
      method: 'GET',
      path: /^\/files\/(F[A-Z0-9]+)(?:\/[^/]*)?$/,
      handle: ({ res, params: [id] }) => {
        const f = ctx.world().fake.files.find((x) => x.id === id);
        if (!f) return json(res, 404, { error: 'no such file' });
        download(res, f);
      },
    },
    ...Object.entries(sandboxActions(ctx)).map(([name, act]) =>
      api(`/api/${name}`, (body) => ctx.serial(() => act(body)), failed),
    ),
    api('/api/reset', reset, failed),
    // The walk takes its own turns (one a stop).
    api('/api/clock', moveClock, failed),
  ];
}
