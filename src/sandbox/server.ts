/**
 * The local sandbox: the real bot, started by the production start-up sequence (src/start.ts)
 * behind its real Bolt HTTP receiver, driven from a Slack-like web page. The page's clicks become signed
 * slash-command, `block_actions` and `view_submission` requests to that receiver (actions.ts), and
 * opening App Home an `app_home_opened` event; the bot's Web API calls go to the fake Web API
 * (fakeSlack.ts), whose stored messages and published home views are pushed to the page over
 * server-sent events (feed.ts). Only the clock (an OffsetClock the page moves forward, walk.ts)
 * and the fake Slack are sandbox-specific. The bot runs in OAuth mode with two workspaces
 * (people.ts): the first installed at start-up, the second by the viewer with Add to Slack (the
 * real install flow, through the fake Slack's consent page).
 *
 * This file starts and stops the world (the bot and its fake Slack) and serves the page (routes.ts,
 * a table for http.ts's router); it alone of src/sandbox/ may import the start-up sequence.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import { OffsetClock } from '../domain/clock.js';
import { type LogSink, loggerFromLog, logTo } from '../log.js';
import { type RunningBot, startBot } from '../start.js';
import { type RecordedCall, startFakeSlack } from './fakeSlack.js';
import { feedPage, snapshot } from './feed.js';
import { router } from './http.js';
import { installThroughSlack } from './install.js';
import {
  ALL_USERS,
  BOT_USER_ID,
  SANDBOX_CLIENT_ID,
  SANDBOX_WORKSPACES,
  type SandboxWorkspace,
  SHARINGS,
  workspacesOf,
} from './people.js';
import { sandboxRoutes } from './routes.js';
import { ephemeralId, loadSlack, removeDatabase, sandboxKey, saveSlack } from './saved.js';
import { sandboxStart } from './time.js';
import { clockMover } from './walk.js';
import type { SandboxBot, SandboxContext, World } from './world.js';

// What other files import from here.
export { appHomeOpenedEnvelope, eventEnvelope } from './events.js';
export { installThroughSlack } from './install.js';
export {
  SANDBOX_CHANNELS,
  SANDBOX_TEAM,
  SANDBOX_USERS,
  SANDBOX_WORKSPACES,
  type SandboxUser,
  type SandboxWorkspace,
} from './people.js';
export { nextWalkStop, sandboxStart } from './time.js';

/** Routine lines that would drown the one line the sandbox prints (problems still show). */
const QUIET = new Set([
  'reminder tick',
  'cases stored but not shown by a previous run',
  'brought Slack up to date with the stored cases',
  'drained',
]);

export interface SandboxOptions {
  /** Where the sandbox clock starts (default: now, or the next working morning when it is late). */
  readonly startAt?: Date;
  /** Print the one-line URL and stop cleanly on SIGINT/SIGTERM (default; tests pass false). */
  readonly standalone?: boolean;
  /** Spacing of reminder posts in one channel; Slack's limit is 1000 ms, the sandbox needn't wait. */
  readonly channelIntervalMs?: number;
  /** Host to bind the page to; loopback unless you know why not. */
  readonly host?: string;
  /**
   * Awaited between two stops of a walk through time, outside the sandbox's turn (the page's
   * requests are served meanwhile): a test holds a walk here to look at it half-way.
   */
  readonly betweenStops?: (stops: number, now: Date) => Promise<void> | void;
}

export interface Sandbox {
  /** The page. */
  readonly url: string;
  /** The fake Web API the bot talks to (it changes on Reset). */
  readonly slackApiUrl: string;
  /** The Web API calls the fake Slack received since the last start or Reset (method, args, token). */
  slackCalls(): readonly RecordedCall[];
  close(): Promise<void>;
}

/** What the rest of the sandbox asks of the running bot (world.ts). */
const sandboxBot = (bot: RunningBot): SandboxBot => ({
  idle: () => bot.amends.gate.idle(),
  forgetSharing: (channel) => bot.amends.sharing.forget(channel),
  tick: (before) => bot.tickers.reminders.runNow(before),
  sweep: () => bot.tickers.sweep.runNow(),
  stop: () => bot.stop(),
});

export async function startSandbox(
  config: Config,
  sink: LogSink,
  opts: SandboxOptions = {},
): Promise<Sandbox> {
  const standalone = opts.standalone ?? true;
  const dbPath = config.databasePath;
  const host = opts.host ?? '127.0.0.1';
  const clients = new Set<ServerResponse>();
  const quietLog: LogSink = (msg, extra, level) => {
    if (!QUIET.has(msg)) sink(msg, extra, level);
  };
  const log = logTo(quietLog, config.logLevel);

  // Booted once the page's port is ours: a second sandbox on a busy port never touches this database.
  let world!: World;
  let closed = false;
  let pagePort = 0;
  /** The page's address: where an install ends. */
  let pageUrl = '';

  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };
  // Saved at once, before the fake answers the call that changed it, so whatever Slack said "ok" to
  // survives a kill of the process as it does in Slack (a delayed save lost posted lines on a kill).
  const persist = (w: World) => {
    try {
      saveSlack(dbPath, w);
    } catch (e) {
      log.error('sandbox could not save its Slack state', { err: e });
    }
  };
  // One reset at a time; other calls wait for it rather than hitting a half-built world.
  let busy: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = busy.then(f, f);
    busy = p.catch(() => {});
    return p;
  };
  const ctx: SandboxContext = {
    world: () => world,
    closed: () => closed,
    broadcast,
    persist,
    serial,
  };

  /**
   * A new world: the fake Slack (with what a previous run saved), then the bot, started as in
   * production, with the sandbox's clock and its fake Slack's side of the start-up.
   */
  const boot = async (): Promise<World> => {
    // The database is what matters: a sandbox killed before it saved its Slack state keeps its
    // cases (they are posted again below); only Slack state without a database starts over.
    const saved = existsSync(dbPath) ? loadSlack(dbPath) : null;
    if (!existsSync(dbPath)) removeDatabase(dbPath);
    const clock = new OffsetClock();
    const start = saved
      ? new Date(Date.parse(saved.now) + 1000) // past the last ts, so new ones never collide
      : (opts.startAt ??
        sandboxStart(new Date(), config.playbook.workingHours, ALL_USERS[0]?.tz ?? 'UTC'));
    clock.offsetMs = start.getTime() - Date.now();
    const [first, ...others] = SANDBOX_WORKSPACES as [SandboxWorkspace, ...SandboxWorkspace[]];
    const fake = await startFakeSlack({
      users: [...first.users],
      channels: first.channels,
      teamId: first.team.id,
      teamName: first.team.name,
      workspaces: others.map((ws) => ({
        id: ws.team.id,
        name: ws.team.name,
        users: ws.users,
        channels: ws.channels,
      })),
      botUserId: BOT_USER_ID,
      now: () => clock.now(),
    });
    if (saved) {
      fake.messages.push(...saved.messages);
      for (const f of saved.files ?? [])
        fake.files.push({ ...f, content: Buffer.from(f.content, 'base64') });
      for (const [id, how] of Object.entries(saved.shared ?? {}))
        if (SHARINGS.includes(how)) fake.shareChannel(id, how);
    }
    mkdirSync(dirname(dbPath), { recursive: true });
    const secret = randomBytes(24).toString('hex');
    const key = sandboxKey(dbPath);
    // Many workspaces, as a hosted Amends runs: OAuth with the sandbox's own secrets and key (never
    // the environment's), each workspace's token sealed at rest in the sandbox's database.
    const botConfig: Config = {
      ...config,
      mode: 'sandbox',
      botToken: null,
      signingSecret: secret,
      appToken: null,
      port: 0,
      slackApiUrl: fake.url,
      oauth: {
        clientId: SANDBOX_CLIENT_ID,
        clientSecret: randomBytes(16).toString('hex'),
        stateSecret: randomBytes(24).toString('hex'),
        keys: [key.key],
      },
    };
    const installed = new Set<string>();
    let botBase = '';
    let bot: RunningBot;
    try {
      bot = await startBot(botConfig, loggerFromLog(quietLog, config.logLevel), undefined, {
        clock,
        compose: {
          host: '127.0.0.1',
          // Each Reset boots a new bot in this process: prom-client's process metrics (a GC
          // observer, an event-loop histogram) would be added again each time, never removed.
          processMetrics: false,
          botUserId: fake.botUserId,
          botId: fake.botId,
          channelIntervalMs: opts.channelIntervalMs ?? 150,
          // Add to Slack starts on the page, so /slack/install goes straight to the consent page;
          // the install ends back on the page, on the workspace just installed (or saying why not).
          installFlow: {
            directInstall: true,
            callbackOptions: {
              success: (installation, _o, _req, res) => {
                const team = installation.team?.id ?? '';
                installed.add(team);
                fake.markInstalled(team);
                broadcast('workspaces', { workspaces: workspacesOf(installed, fake) });
                res.writeHead(303, {
                  location: `${pageUrl}/?workspace=${encodeURIComponent(team)}`,
                });
                res.end();
              },
              failure: (error, _o, _req, res) => {
                log.warn('sandbox install did not finish', { code: error.code });
                res.writeHead(303, {
                  location: `${pageUrl}/?install_error=${encodeURIComponent(error.code)}`,
                });
                res.end();
              },
            },
          },
        },
        // Slack state older than the database (or none): time never runs backwards for the cases,
        // and a case whose message the fake Slack does not have is posted again by the start-up
        // catch-up, as after a real crash.
        prepare: async ({ store: { sandbox: records } }) => {
          const last = await records.lastEventAt();
          if (last !== null && last >= clock.now().getTime())
            clock.offsetMs = last + 1000 - Date.now();
          const posted = await records.posted();
          await records.forgetPosts(
            posted.filter((r) => !fake.findMessage(r.channelId, r.messageTs)).map((r) => r.id),
          );
          // A new key cannot open what an old one sealed (the key file was deleted, or the database
          // is from before the sandbox had installs): those installations are made again.
          if (key.made && (await records.forgetInstallations()) > 0)
            log.warn(
              'sandbox: its installations were sealed with a key it no longer has; installing again',
              {},
            );
          for (const team of await records.installedTeams()) {
            installed.add(team);
            fake.markInstalled(team);
          }
        },
        started: async (_amends, port) => {
          botBase = `http://127.0.0.1:${port}`;
          // The app's settings in the fake Slack: its Redirect URL is this bot's.
          fake.registerApp({
            clientId: SANDBOX_CLIENT_ID,
            name: 'Amends',
            redirectUrl: `${botBase}/slack/oauth_redirect`,
          });
          // The first workspace has Amends from the start, installed as an admin would (once: a
          // restart keeps its installation in the database).
          if (!installed.has(first.team.id)) await installThroughSlack(botBase, first.team.id);
        },
      });
    } catch (e) {
      await fake.close();
      throw e;
    }
    // The start-up catch-up (what a previous run stored but never showed, thread lines of the last
    // minute included) is awaited: the page opens on Slack as the database describes it.
    await bot.caughtUp;
    const w: World = {
      fake,
      bot: sandboxBot(bot),
      clock,
      botUrl: `${botBase}/slack/events`,
      botBase,
      secret,
      installed,
      // Saved before ephemerals had ids: they are given one, so their buttons work too.
      ephemerals: (saved?.ephemerals ?? []).map((e) => (e.id ? e : { ...e, id: ephemeralId() })),
      viewOwner: new Map(),
      triggerOwner: new Map(),
    };
    feedPage(w, ctx);
    // What boot reposted is saved at once: a second kill before any new activity loses nothing.
    persist(w);
    return w;
  };

  const teardown = async (w: World, keep: boolean) => {
    await w.bot.stop();
    await w.fake.close();
    if (keep) persist(w);
  };

  const reset = async () => {
    await teardown(world, false);
    removeDatabase(dbPath);
    world = await boot();
    broadcast('snapshot', snapshot(world));
    return { ok: true, now: world.clock.now().toISOString() };
  };

  const mover = clockMover(ctx, {
    zones: [...new Set(ALL_USERS.map((u) => u.tz))],
    workingHours: config.playbook.workingHours,
    ...(opts.betweenStops ? { betweenStops: opts.betweenStops } : {}),
  });
  const routes = sandboxRoutes({
    ctx,
    clients,
    reset: () => serial(reset),
    moveClock: (body) => mover.move(body),
    failed: (path, e) => log.error('sandbox request failed', { path, err: e }),
  });
  const allowedHosts = () => [
    `127.0.0.1:${pagePort}`,
    `localhost:${pagePort}`,
    `[::1]:${pagePort}`,
  ];
  const server = createServer(
    router(routes, {
      allowedHosts,
      unavailable: () => (!world ? 'starting' : closed ? 'stopping' : null),
    }),
  );

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, host, () => resolve());
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${config.port} is already in use: set PORT to another port`);
    throw e;
  }
  pagePort = (server.address() as AddressInfo).port;
  pageUrl = `http://${host.includes(':') ? `[${host}]` : host}:${pagePort}`;
  try {
    world = await boot();
  } catch (e) {
    server.close();
    throw e;
  }
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const res of clients) res.end();
    clients.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await mover.settled();
    await busy;
    await teardown(world, true);
  };

  if (standalone) {
    console.log(`Amends sandbox: ${pageUrl}`);
    const stop = () => {
      void close().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return {
    url: pageUrl,
    get slackApiUrl() {
      return world.fake.url;
    },
    slackCalls: () => world.fake.calls,
    close,
  };
}
