import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  App,
  type CustomRoute,
  HTTPModuleFunctions,
  HTTPReceiver,
  type HTTPReceiverOptions,
  type InstallationStore,
  LogLevel,
  type Receiver,
  type ReceiverProcessEventErrorHandlerArgs,
  SocketModeReceiver,
  type webApi,
} from '@slack/bolt';
import { wellFormed } from '../domain/text.js';
import type { Lang } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import { boltLogger, type Log, type Logger, logScope } from '../log.js';
import { guardBody } from './bodyGuard.js';
import { AcceptQueue, type Gate, isSlackBody, Malformed, RECEIVED_AT, Refused } from './gate.js';
import { requestLogFields } from './logFields.js';
import { BOT_SCOPES } from './scopes.js';
import { forTeam } from './teamClient.js';
import { keepAliveFetch, observedFetch, type SlackCallObserver } from './transport.js';

/** How long a refused slash command waits for the person's cached language (then the default). */
const BUSY_LOOKUP_MS = 200;

/**
 * The gate's answer to a slash command it cannot take: in the person's cached language if the
 * database answers at once; past capacity the read may wait behind the very work that makes the
 * bot busy, and the default language will do.
 */
export function busyText(
  defaultLang: Lang,
  cachedLang: (teamId: string, userId: string) => Promise<Lang>,
): (b: { team_id?: string; user_id?: string }) => Promise<string> {
  return async (b) => {
    let timer: NodeJS.Timeout | undefined;
    const lang = await Promise.race([
      cachedLang(b.team_id ?? '', b.user_id ?? '').catch(() => defaultLang),
      new Promise<Lang>((resolve) => {
        timer = setTimeout(() => resolve(defaultLang), BUSY_LOOKUP_MS);
      }),
    ]);
    clearTimeout(timer);
    return t(lang).errors.busy;
  };
}

/**
 * The settings this adapter reads. src/config.ts's Config has them all and compose hands it in;
 * the adapter names its own slice so that it never imports the composition's files.
 */
export interface SlackSettings {
  readonly mode: 'http' | 'socket' | 'sandbox';
  readonly botToken: string | null;
  readonly signingSecret: string | null;
  readonly appToken: string | null;
  readonly port: number;
  readonly slackApiUrl: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Installs in many workspaces: the app's credentials (null: one workspace's bot token). */
  readonly oauth: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly stateSecret: string;
  } | null;
}

export interface BoltAppOptions {
  readonly config: SlackSettings;
  readonly logger: Logger;
  readonly gate: Gate;
  readonly botUserId?: string;
  readonly botId?: string;
  /**
   * Answer Slack only after the listener's work, Slack calls included (tests: a response means the
   * work is finished). Production answers at the listener's ack, which comes after the commit.
   */
  readonly processBeforeResponse?: boolean;
  /** How long a Web API call may take before it counts as failed (default 10 s). */
  readonly slackTimeoutMs?: number;
  /**
   * Extra routes of the HTTP receiver: the probes and /metrics (src/ops/probes.ts). Socket Mode has
   * no HTTP receiver: its probes get a listener of their own.
   */
  readonly routes?: readonly CustomRoute[];
  /** Told of every Web API call's end (method, HTTP status, duration, Slack's error): /metrics. */
  readonly observeSlack?: SlackCallObserver;
  /**
   * Installs in many workspaces (config.oauth): where installations are kept. Bolt's installer
   * serves /slack/install and /slack/oauth_redirect and authorizes each request from it.
   */
  readonly installationStore?: InstallationStore;
  /** A workspace's request came through its org's install: told the workspace and the org. */
  readonly onOrgWorkspace?: (teamId: string, enterpriseId: string) => Promise<void>;
  /**
   * The sandbox's install flow: straight from /slack/install to the consent page (its own page has
   * the Add to Slack button), and back to its page when the install is done or failed.
   */
  readonly installFlow?: InstallFlow;
}

/** How Bolt's installer begins (directInstall) and ends (its callbacks) an install. */
export interface InstallFlow {
  readonly directInstall?: boolean;
  readonly callbackOptions?: NonNullable<
    HTTPReceiverOptions['installerOptions']
  >['callbackOptions'];
}

/**
 * The Web API client options every client of Amends uses (Bolt's, the installer's, TeamClient's).
 * No automatic retries: a retried chat.postMessage can post twice. Reminders retry from the outbox.
 */
export function webClientOptions(o: {
  readonly slackApiUrl: string | null;
  readonly slackTimeoutMs?: number | undefined;
  readonly observeSlack?: SlackCallObserver | undefined;
}): webApi.WebClientOptions {
  return {
    ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: o.slackTimeoutMs ?? 10_000,
    rejectRateLimitedCalls: true,
    fetch: o.observeSlack ? observedFetch(keepAliveFetch(), o.observeSlack) : keepAliveFetch(),
  };
}

/**
 * The Bolt app on its own receiver (HTTP or Socket Mode), every request passing the gate first.
 * One path in every mode: receiver → gate → listener → use-case (commit) → ack → Slack calls.
 */
export function createBoltApp(o: BoltAppOptions): App {
  const { config, gate } = o;
  const logLevel = {
    debug: LogLevel.DEBUG,
    info: LogLevel.INFO,
    warn: LogLevel.WARN,
    error: LogLevel.ERROR,
  }[config.logLevel];
  const logger = boltLogger(o.logger);
  const clientOptions = webClientOptions({
    slackApiUrl: config.slackApiUrl,
    slackTimeoutMs: o.slackTimeoutMs,
    observeSlack: o.observeSlack,
  });
  const oauth = config.oauth && o.installationStore ? config.oauth : null;
  let receiver: Receiver;
  if (config.mode === 'socket') {
    receiver = new SocketModeReceiver({
      appToken: config.appToken ?? '',
      logger,
      logLevel,
      // apps.connections.open goes to SLACK_API_URL too (GovSlack, a test server). It keeps the
      // socket client's own retries: asking twice for a socket posts nothing, and without them one
      // failed call while reconnecting is an unhandled rejection and the bot never comes back.
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: undefined } },
    });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.signingSecret ?? '',
      logger,
      logLevel,
      // Many workspaces: Bolt's own installer (Add to Slack at /slack/install, the redirect at
      // /slack/oauth_redirect, the state signed and checked against its cookie), with our store.
      ...(oauth
        ? {
            clientId: oauth.clientId,
            clientSecret: oauth.clientSecret,
            stateSecret: oauth.stateSecret,
            scopes: [...BOT_SCOPES],
            installationStore: o.installationStore,
            installerOptions: {
              directInstall: o.installFlow?.directInstall ?? false,
              ...(o.installFlow?.callbackOptions
                ? { callbackOptions: o.installFlow.callbackOptions }
                : {}),
              // oauth.v2.access goes to SLACK_API_URL too (GovSlack, the tests' fake Slack).
              clientOptions: { ...clientOptions, retryConfig: undefined },
              ...(config.slackApiUrl
                ? {
                    authorizationUrl: new URL(
                      '../oauth/v2/authorize',
                      config.slackApiUrl,
                    ).toString(),
                  }
                : {}),
            },
          }
        : {}),
      processBeforeResponse: o.processBeforeResponse ?? false,
      customRoutes: [...(o.routes ?? [])],
      customPropertiesExtractor: (req) => ({
        [RECEIVED_AT]: (req as { [RECEIVED_AT]?: number })[RECEIVED_AT] ?? performance.now(),
      }),
      // A refused request already has its 503; only a listener that never acked is worth a line.
      unhandledRequestHandler: (args) => {
        if (args.response.headersSent) return;
        HTTPModuleFunctions.defaultUnhandledRequestHandler(args);
      },
      processEventErrorHandler: async (args: ReceiverProcessEventErrorHandlerArgs) => {
        if (args.error instanceof Refused && !args.response.headersSent) {
          args.response.writeHead(503, { 'retry-after': '30' });
          args.response.end();
          return false;
        }
        if (args.error instanceof Malformed && !args.response.headersSent) {
          args.logger.warn('refused a signed request whose body is not a Slack payload');
          args.response.writeHead(400);
          args.response.end();
          return false;
        }
        return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      },
    });
  }

  const app = new App({
    // With installs, each request's token comes from its workspace's installation (authorize).
    ...(oauth ? {} : { token: config.botToken ?? '' }),
    receiver,
    clientOptions,
    logger,
    logLevel,
    tokenVerificationEnabled: false,
    // Amends keeps no conversation state in Bolt: its store would run on every request for nothing.
    convoStore: false,
    ...(o.botUserId ? { botUserId: o.botUserId } : {}),
    ...(o.botId ? { botId: o.botId } : {}),
  });
  // A signed body that is not a Slack payload (`payload=null`, an empty form) is refused with a 400
  // before Bolt looks into it, instead of a TypeError and a 500, or a 404 three seconds later.
  // Every request (HTTP, Socket Mode, sandbox) passes here before Bolt reads it: its text is made
  // well-formed once, so no listener, store or encoder downstream meets a lone surrogate.
  // Many workspaces: a request's work (its listener, and what runs after the ack) is its
  // workspace's, and every Slack call in it goes out with the token Bolt authorized it with.
  if (oauth)
    app.use(async ({ context, next }) => {
      const team = context.teamId ?? context.enterpriseId;
      if (!team) return next();
      if (context.isEnterpriseInstall && context.teamId && context.enterpriseId)
        await o.onOrgWorkspace?.(context.teamId, context.enterpriseId);
      return forTeam(team, () => next(), context.botToken);
    });
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    if (!isSlackBody(event.body)) throw new Malformed();
    wellFormed(event.body);
    // Taken or refused here, before Bolt does any work: see Gate. Every line logged for this
    // request (its listener, the error handler, the Slack calls after the ack) names its team and case.
    return logScope(requestLogFields(event.body), () =>
      gate.handle(event, () => processEvent(event)),
    );
  };
  return app;
}

/**
 * Starts the app's receiver; resolves with the HTTP port (null in Socket Mode). In HTTP mode each
 * request is stamped with when it arrived (the gate refuses what waited too long), and the body of
 * Slack's endpoint is read first (src/slack/bodyGuard.ts), then handed to Bolt.
 */
export async function startBoltApp(
  app: App,
  o: { readonly config: SlackSettings; readonly host?: string | undefined; readonly log: Log },
): Promise<number | null> {
  const { config, log } = o;
  // A deep accept queue: past capacity, a connection the kernel drops waits for TCP's SYN retry
  // (1 s, 3 s, 7 s...) however fast the app refuses the request once it is in (Node's
  // default backlog is 511; the kernel caps this at net.core.somaxconn).
  const listen =
    config.mode === 'socket' ? undefined : { port: config.port, host: o.host, backlog: 4096 };
  const server = (await app.start(listen as never).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'EADDRINUSE'
      ? new Error(`port ${config.port} is already in use: set PORT to another port`)
      : e;
  })) as unknown;
  if (config.mode === 'socket') return null;
  const http = server as Server;
  // Ahead of Bolt's own listener.
  const bolt = http.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  http.removeAllListeners('request');
  // A connection's first request counts from when the connection may have reached the kernel's
  // accept queue (AcceptQueue), later ones on it from when they are read.
  const queue = new AcceptQueue();
  const waitingSince = new WeakMap<object, number>();
  http.on('connection', (socket) => {
    waitingSince.set(socket, queue.accepted());
    // Only a request already sent with the connection (read within the next two turns) waited
    // in the queue; a connection opened ahead of its first request (a client's pool) did not.
    setImmediate(() => setImmediate(() => waitingSince.delete(socket)));
  });
  // Every request read in one turn of the event loop was ready when the turn began (the poll
  // returns every ready socket at once), and a long turn handles them back to back: each counts
  // from the turn's first request, so past capacity the ones at the end of a long turn are seen
  // to have waited, and refused, instead of answered seconds late.
  let turnBegan: number | null = null;
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const now = performance.now();
    if (turnBegan === null) {
      turnBegan = now;
      setImmediate(() => {
        turnBegan = null;
      });
    }
    const since = waitingSince.get(req.socket) ?? queue.queuingSince ?? now;
    waitingSince.delete(req.socket);
    (req as unknown as Record<string, number>)[RECEIVED_AT] = Math.min(since, turnBegan);
    const path = (req.url ?? '').split('?')[0];
    const pass = () => {
      for (const l of bolt) l.call(http, req, res);
    };
    if (req.method !== 'POST' || path !== '/slack/events') return pass();
    guardBody(req, res, { signingSecret: config.signingSecret ?? '' }).then(
      (ok) => ok && pass(),
      (e: unknown) => {
        log.error('could not read a request', { err: e });
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  http.keepAliveTimeout = 65_000; // longer than the load balancers' usual 60 s idle timeout
  return (http.address() as AddressInfo).port;
}

/**
 * Refuses new requests (503), then waits up to `timeoutMs` for those in progress, including their
 * Slack calls. Reports how many were still running when it gave up.
 */
export async function drain(gate: Gate, timeoutMs: number): Promise<{ left: number }> {
  gate.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    gate.idle(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return { left: gate.active };
}
