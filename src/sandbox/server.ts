/**
 * The local sandbox: the real bot (the same `composeAmends` as production, behind its real Bolt
 * HTTP receiver) driven from a Slack-like web page. The page's clicks become signed slash-command,
 * `block_actions` and `view_submission` requests to that receiver, and opening App Home an
 * `app_home_opened` event; the bot's Web API calls go to the fake Web API (fakeSlack.ts), whose
 * stored messages and published home views are pushed to the page over server-sent events. Only
 * the clock (an OffsetClock the page can move forward) and the fake Slack are sandbox-specific.
 * The bot runs in OAuth mode with two workspaces: the first installed at start-up, the second by
 * the viewer with Add to Slack (the real install flow, through the fake Slack's consent page).
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { type Amends, composeAmends } from '../compose.js';
import type { Config } from '../config.js';
import { OffsetClock } from '../domain/clock.js';
import {
  clampToWorkingHours,
  isWithinWorkingHours,
  nextWorkingMorning,
  type WorkingHours,
} from '../domain/workingTime.js';
import { type LogSink, loggerFromLog, logTo } from '../log.js';
import { scheduleReminders, type Ticker } from '../scheduler/reminderTick.js';
import type { TickReport } from '../services/reminders.js';
import { SandboxRepo } from '../store/sandboxRepo.js';
import {
  type ChannelSharing,
  type FakeSlack,
  type FakeUser,
  type RecordedCall,
  type StoredFile,
  type StoredMessage,
  type StoredResponse,
  type StoredView,
  startFakeSlack,
} from './fakeSlack.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';
import {
  blockActionsPayload,
  interactionBody,
  postSigned,
  slashCommandBody,
  triggerId,
  viewSubmissionPayload,
} from './slackRequests.js';

/** A sandbox person: a Slack user, and the city the page names (a zone is named after another city). */
export interface SandboxUser extends FakeUser {
  readonly city: string;
}

/** The first user is the one the page starts as (English, so the copy reads in English). */
export const SANDBOX_USERS: readonly SandboxUser[] = [
  {
    id: 'U0JOAN0001',
    name: 'joan',
    realName: 'Joan Smith',
    tz: 'America/New_York',
    locale: 'en-US',
    city: 'New York',
    // A workspace admin: /incident export is for admins.
    admin: true,
  },
  {
    id: 'U0MARIA001',
    name: 'maria',
    realName: 'Maria Rossi',
    tz: 'Europe/Rome',
    locale: 'it-IT',
    city: 'Rome',
  },
  {
    id: 'U0NIKOS001',
    name: 'nikos',
    realName: 'Nikos Pappas',
    tz: 'Europe/Athens',
    locale: 'el-GR',
    city: 'Athens',
  },
  // Slack has no Catalan interface; some people set the locale anyway, and Amends speaks Catalan.
  {
    id: 'U0MONTSE01',
    name: 'montse',
    realName: 'Montse Puig',
    tz: 'Europe/Madrid',
    locale: 'ca-ES',
    city: 'Barcelona',
  },
];

/** Ids Slack would give channels (decodeMeta accepts `^[CGD][A-Z0-9]{2,}$`). */
export const SANDBOX_CHANNELS = [
  { id: 'C0SANDBOX1', name: 'general' },
  { id: 'C0SANDBOX2', name: 'accounts' },
] as const;

export const SANDBOX_TEAM = { id: 'T0SANDBOX1', domain: 'amends-sandbox', name: 'Amends sandbox' };
const BOT_USER_ID = 'U0AMENDS01';

/** A Slack workspace of the sandbox: its people and channels (ids unique across workspaces). */
export interface SandboxWorkspace {
  readonly team: { readonly id: string; readonly domain: string; readonly name: string };
  readonly users: readonly SandboxUser[];
  readonly channels: readonly { readonly id: string; readonly name: string }[];
}

/**
 * The sandbox's two workspaces. Amends is installed in the first at start-up; the newcomer installs
 * it in the second with Add to Slack (the real install flow, against the fake Slack's consent page),
 * and sees that nothing of one workspace's cases shows in the other.
 */
export const SANDBOX_WORKSPACES: readonly SandboxWorkspace[] = [
  { team: SANDBOX_TEAM, users: SANDBOX_USERS, channels: SANDBOX_CHANNELS },
  {
    team: { id: 'T0SANDBOX2', domain: 'orchard-studio', name: 'Orchard Studio' },
    users: [
      {
        id: 'U0ALEX0001',
        name: 'alex',
        realName: 'Alex Morgan',
        tz: 'Europe/London',
        locale: 'en-GB',
        city: 'London',
        admin: true,
      },
      {
        id: 'U0ELENI001',
        name: 'eleni',
        realName: 'Eleni Kosta',
        tz: 'Europe/Athens',
        locale: 'el-GR',
        city: 'Thessaloniki',
      },
    ],
    channels: [
      { id: 'C0ORCHARD1', name: 'general' },
      { id: 'C0ORCHARD2', name: 'clients' },
    ],
  },
];

/** The sandbox app's client id (its fake Slack answers only this one at the consent page). */
const SANDBOX_CLIENT_ID = '1000.2000';

const STEPS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
type Advance = keyof typeof STEPS;
const SHARINGS: readonly ChannelSharing[] = ['ext', 'pending', 'org', 'none'];
/** How long the walk waits for a running cron tick to finish before it runs its own (at most 10 s). */
const TICK_WAIT_MS = 50;
const TICK_WAIT_TRIES = 200;
const MAX_BODY = 1_000_000;
/** Where a `block_actions` payload puts the choice, per element type. */
const PICKED: Record<string, string | undefined> = {
  datepicker: 'selected_date',
  timepicker: 'selected_time',
  users_select: 'selected_user',
  conversations_select: 'selected_conversation',
  channels_select: 'selected_channel',
};

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

/**
 * A page-side ephemeral: from chat.postEphemeral, or a `respond()` to a response_url. Its `id` is
 * how the page names it in a click (Slack knows it by its channel and ts; ours are not unique).
 */
interface PageEphemeral {
  id: string;
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

/** One running bot + fake Slack; Reset throws it away and builds a new one. */
interface World {
  readonly fake: FakeSlack;
  readonly amends: Amends;
  readonly ticker: Ticker;
  readonly clock: OffsetClock;
  readonly botUrl: string;
  /** The bot's HTTP address (its /slack/install and /slack/oauth_redirect). */
  readonly botBase: string;
  readonly secret: string;
  /** The workspaces Amends is installed in (team ids). */
  readonly installed: Set<string>;
  readonly ephemerals: PageEphemeral[];
  /** Which sandbox user a modal belongs to (Slack opens a modal for the user whose trigger it was). */
  readonly viewOwner: Map<string, string>;
  readonly triggerOwner: Map<string, string>;
}

/**
 * The direct message channel Slack names in a user's `app_home_opened` event: the user's DM with
 * the app, where the fake Slack also puts what the bot posts to that user's id.
 */
const homeChannel = (user: string) => `D${user.slice(1)}`;
const ephemeralId = () => `eph-${randomBytes(6).toString('hex')}`;

/** An Events API envelope around one event, as Slack posts it to the app. */
export function eventEnvelope(
  teamId: string,
  event: Record<string, unknown>,
  now: Date,
): Record<string, unknown> {
  const eventTs = (now.getTime() / 1000).toFixed(6);
  return {
    token: 'verification_token',
    team_id: teamId,
    api_app_id: 'AAMENDS01',
    event: { ...event, event_ts: eventTs },
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(now.getTime() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

/**
 * An Events API envelope with the `app_home_opened` event Slack sends when a person opens the
 * app's Home tab; like Slack's, it carries the home view already published for them, if any.
 */
export function appHomeOpenedEnvelope(
  teamId: string,
  user: string,
  now: Date,
  view?: StoredView,
): Record<string, unknown> {
  return eventEnvelope(
    teamId,
    {
      type: 'app_home_opened',
      user,
      channel: homeChannel(user),
      tab: 'home',
      ...(view ? { view } : {}),
    },
    now,
  );
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where the sandbox clock starts: real time during a working day, else the next working morning
 * (09:30 in the default user's zone), so advancing the clock shows nudges instead of night-time waits.
 */
export function sandboxStart(now: Date, wh: WorkingHours, tz: string): Date {
  const later = new Date(now.getTime() + 3 * 3_600_000);
  if (isWithinWorkingHours(now, wh, tz) && isWithinWorkingHours(later, wh, tz)) return now;
  const clamped = clampToWorkingHours(now, wh, tz);
  const morning = clamped.getTime() === now.getTime() ? nextWorkingMorning(now, wh, tz) : clamped;
  return new Date(morning.getTime() + 30 * 60_000);
}

/** The UTC offset of a zone at an instant, in ms (Intl's `longOffset`, e.g. "GMT+05:30"). */
function offsetMs(tz: string, at: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(new Date(at))
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000) : 0;
}

/**
 * The next stop of a walk through time after `t`: the first instant that is on the hour, or at
 * one of `minutes` past it, in any of the zones. With the sandbox's whole-hour zones and 09:00–18:00
 * working hours, every hour on the hour: each working hour of every user gets its tick.
 */
export function nextWalkStop(
  t: number,
  zones: readonly string[],
  minutes: readonly number[] = [0],
) {
  const H = 3_600_000;
  let best = Number.POSITIVE_INFINITY;
  for (const tz of zones.length ? zones : ['UTC']) {
    const off = offsetMs(tz, t);
    for (const m of minutes.length ? minutes : [0]) {
      const shift = off - m * 60_000;
      best = Math.min(best, (Math.floor((t + shift) / H) + 1) * H - shift);
    }
  }
  return best;
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', SLACK_STATE, SANDBOX_KEY])
    rmSync(path + suffix, { force: true });
}

/**
 * The key that seals the sandbox's installations (its bot runs in OAuth mode, tokens encrypted at
 * rest like anywhere else): the sandbox's own, made on first use and kept beside its database
 * (owner-only), never read from the environment. Reset deletes it with the database.
 */
const SANDBOX_KEY = '.key';
function sandboxKey(dbPath: string): { key: Buffer; made: boolean } {
  const file = dbPath + SANDBOX_KEY;
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return { key, made: false };
  } catch {
    // none yet
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, made: true };
}

/** Walks one HTTP step of the install flow without following its redirect. */
async function step(url: string, init: RequestInit = {}) {
  const r = await fetch(url, { ...init, redirect: 'manual' });
  await r.arrayBuffer();
  return {
    status: r.status,
    location: r.headers.get('location'),
    cookies: r.headers.getSetCookie(),
  };
}

/**
 * Installs Amends in a workspace the way an admin does, over HTTP: the bot's /slack/install (a
 * redirect to Slack's consent page, with the state in a cookie), Allow on the fake Slack's consent
 * page, and the bot's /slack/oauth_redirect with the code. The sandbox's first workspace is
 * installed so at start-up; the page's Add to Slack walks the same steps in the browser.
 */
export async function installThroughSlack(botBase: string, team: string): Promise<void> {
  const start = await step(`${botBase}/slack/install`);
  if (start.status !== 302 || !start.location)
    throw new Error(`/slack/install answered HTTP ${start.status}`);
  const consent = new URL(start.location);
  const form = new URLSearchParams({
    client_id: consent.searchParams.get('client_id') ?? '',
    state: consent.searchParams.get('state') ?? '',
    scope: consent.searchParams.get('scope') ?? '',
    team,
    decision: 'allow',
  });
  const allowed = await step(`${consent.origin}${consent.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  if (allowed.status !== 302 || !allowed.location)
    throw new Error(`the consent page answered HTTP ${allowed.status}`);
  const cookie = start.cookies.map((c) => c.split(';')[0]).join('; ');
  const done = await step(allowed.location, { headers: { cookie } });
  if (done.status !== 303 || !done.location?.includes(`workspace=${team}`))
    throw new Error(`the install did not finish (HTTP ${done.status} ${done.location ?? ''})`);
}

/**
 * The fake Slack's messages live in memory; they are saved beside the database so a restarted
 * sandbox shows the same channel its database describes, at the sandbox time it had reached.
 */
const SLACK_STATE = '.slack.json';
interface SavedSlack {
  readonly version: 1;
  readonly now: string;
  readonly messages: StoredMessage[];
  readonly ephemerals: PageEphemeral[];
  /** Uploaded files, their bytes in base64 (absent in files saved before there were uploads). */
  readonly files?: (Omit<StoredFile, 'content'> & { content: string })[];
  /** Channels shared with the client. */
  readonly shared?: Record<string, ChannelSharing>;
}

function loadSlack(dbPath: string): SavedSlack | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(dbPath + SLACK_STATE, 'utf8'));
    if (
      isObject(raw) &&
      raw.version === 1 &&
      typeof raw.now === 'string' &&
      !Number.isNaN(Date.parse(raw.now)) &&
      Array.isArray(raw.messages) &&
      Array.isArray(raw.ephemerals)
    )
      return raw as unknown as SavedSlack;
  } catch {
    // missing or unreadable: start over
  }
  return null;
}

function saveSlack(
  dbPath: string,
  w: { clock: OffsetClock; fake: FakeSlack; ephemerals: PageEphemeral[] },
) {
  const saved: SavedSlack = {
    version: 1,
    now: w.clock.now().toISOString(),
    messages: w.fake.messages,
    ephemerals: w.ephemerals,
    files: w.fake.files.map((f) => ({ ...f, content: f.content.toString('base64') })),
    shared: Object.fromEntries(
      ALL_CHANNELS.map((c) => [c.id, w.fake.sharingOf(c.id)]).filter(([, how]) => how !== 'none'),
    ),
  };
  const tmp = `${dbPath}${SLACK_STATE}.tmp`;
  writeFileSync(tmp, JSON.stringify(saved));
  renameSync(tmp, dbPath + SLACK_STATE);
}

const ALL_CHANNELS = SANDBOX_WORKSPACES.flatMap((ws) => ws.channels);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (o: Record<string, unknown>, k: string, max = 4000): string | undefined => {
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

export async function startSandbox(
  config: Config,
  sink: LogSink,
  opts: SandboxOptions = {},
): Promise<Sandbox> {
  const standalone = opts.standalone ?? true;
  const users = SANDBOX_WORKSPACES.flatMap((ws) => ws.users);
  const defaultTz = users[0]?.tz ?? 'UTC';
  const dbPath = config.databasePath;
  const host = opts.host ?? '127.0.0.1';
  const clients = new Set<ServerResponse>();
  // Routine lines ("reminder tick") would drown the one line the sandbox prints; problems still show.
  const quietLog: LogSink = (msg, extra, level) => {
    if (msg !== 'reminder tick') sink(msg, extra, level);
  };
  const log = logTo(quietLog, config.logLevel);

  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(frame);
  };

  const boot = async (): Promise<World> => {
    // The database is what matters: a sandbox killed before it saved its Slack state keeps its
    // cases (they are posted again below); only Slack state without a database starts over.
    const saved = existsSync(dbPath) ? loadSlack(dbPath) : null;
    if (!existsSync(dbPath)) removeDatabase(dbPath);
    const clock = new OffsetClock();
    const start = saved
      ? new Date(Date.parse(saved.now) + 1000) // past the last ts, so new ones never collide
      : (opts.startAt ?? sandboxStart(new Date(), config.playbook.workingHours, defaultTz));
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
    let amends: Amends;
    try {
      amends = await composeAmends({
        config: botConfig,
        clock,
        logger: loggerFromLog(quietLog, config.logLevel),
        host: '127.0.0.1',
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
              res.writeHead(303, { location: `${pageUrl}/?workspace=${encodeURIComponent(team)}` });
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
      });
    } catch (e) {
      await fake.close();
      throw e;
    }
    // Slack state older than the database (or none): time never runs backwards for the cases, and
    // a case whose message the fake Slack does not have is posted again, as after a real crash.
    const records = new SandboxRepo(amends.store.conn);
    const last = await records.lastEventAt();
    if (last !== null && last >= clock.now().getTime()) clock.offsetMs = last + 1000 - Date.now();
    const posted = await records.posted();
    await records.forgetPosts(
      posted.filter((r) => !fake.findMessage(r.channelId, r.messageTs)).map((r) => r.id),
    );
    await amends.reminders.reconcile();
    const port = await amends.start();
    const botBase = `http://127.0.0.1:${port}`;
    // The app's settings in the fake Slack: its Redirect URL is this bot's.
    fake.registerApp({
      clientId: SANDBOX_CLIENT_ID,
      name: 'Amends',
      redirectUrl: `${botBase}/slack/oauth_redirect`,
    });
    // A new key cannot open what an old one sealed (the key file was deleted, or the database is
    // from before the sandbox had installs): those installations are made again.
    if (key.made && (await records.forgetInstallations()) > 0)
      log.warn(
        'sandbox: its installations were sealed with a key it no longer has; installing again',
        {},
      );
    for (const team of await records.installedTeams()) {
      installed.add(team);
      fake.markInstalled(team);
    }
    // The first workspace has Amends from the start, installed as an admin would (once: a restart
    // keeps its installation in the database).
    if (!installed.has(first.team.id)) {
      try {
        await installThroughSlack(botBase, first.team.id);
      } catch (e) {
        await amends.stop();
        await fake.close();
        throw e;
      }
    }
    // As the bot's start-up: what a previous run stored but never showed is shown now, thread lines
    // of the last minute included (the sandbox is one process: nothing else is posting them, and
    // its clock does not move on its own, so "a minute later" would wait for the next clock stop).
    await amends.catchUp({ olderThanMs: 0 });
    const ticker = scheduleReminders(config.reminderCron, amends.reminders, log);
    const world: World = {
      fake,
      amends,
      ticker,
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
    wire(world);
    // What boot reposted is saved at once: a second kill before any new activity loses nothing.
    persist(world);
    return world;
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

  const wire = (w: World) => {
    const { fake } = w;
    let pendingOwner: string | undefined;
    for (const event of ['message', 'update', 'delete', 'ephemeral', 'response'] as const)
      fake.on(event, () => persist(w));
    fake.on('message', (m: StoredMessage) => {
      const parent =
        m.thread_ts && m.thread_ts !== m.ts ? fake.findMessage(m.channel, m.thread_ts) : undefined;
      broadcast('message', { message: m, parent });
    });
    fake.on('update', (m: StoredMessage) => broadcast('update', { message: m }));
    // A deleted message leaves the page at once (with its thread's parent, whose reply count fell).
    fake.on('delete', (m: StoredMessage) => {
      const parent =
        m.thread_ts && m.thread_ts !== m.ts ? fake.findMessage(m.channel, m.thread_ts) : undefined;
      broadcast('delete', { message: { channel: m.channel, ts: m.ts }, parent });
    });
    fake.on('ephemeral', (e) => {
      const eph: PageEphemeral = {
        id: ephemeralId(),
        channel: e.channel,
        user: e.user,
        ts: e.message_ts,
        text: e.text,
        ...(e.blocks ? { blocks: e.blocks } : {}),
        ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
      };
      w.ephemerals.push(eph);
      broadcast('ephemeral', eph);
    });
    fake.on('response', (r: StoredResponse) => {
      // response_url paths are `<user>/<channel>/<n>`: a respond() is an ephemeral for that user.
      const [user, channel] = r.path.split('/');
      if (!user || !channel || r.body.delete_original) return;
      const eph: PageEphemeral = {
        id: ephemeralId(),
        channel,
        user,
        ts: (w.clock.now().getTime() / 1000).toFixed(6),
        text: typeof r.body.text === 'string' ? r.body.text : '',
        ...(Array.isArray(r.body.blocks) ? { blocks: r.body.blocks } : {}),
      };
      w.ephemerals.push(eph);
      broadcast('ephemeral', eph);
    });
    // views.open carries the trigger_id of the click that asked for it; the `view` event follows
    // in the same turn, so the owner found here is the modal's.
    fake.on('call', (c) => {
      if (c.method === 'views.open' || c.method === 'views.push') {
        const t = typeof c.args.trigger_id === 'string' ? c.args.trigger_id : '';
        pendingOwner = w.triggerOwner.get(t);
        w.triggerOwner.delete(t);
      }
    });
    fake.on('view', (v: StoredView) => {
      const owner = w.viewOwner.get(v.id) ?? pendingOwner;
      pendingOwner = undefined;
      if (!owner) return;
      w.viewOwner.set(v.id, owner);
      broadcast('view', { user: owner, view: v });
    });
    // App Home, published (views.publish) or updated: the page redraws it if that user has it open.
    fake.on('home', ({ userId, view }) => broadcast('home', { user: userId, view }));
  };

  const teardown = async (w: World, keep: boolean) => {
    await w.ticker.stop().catch(() => {});
    await w.amends.stop();
    await w.fake.close();
    if (keep) persist(w);
  };

  const pageUser = (u: SandboxUser) => ({
    id: u.id,
    name: u.realName ?? u.name,
    handle: u.name,
    tz: u.tz,
    city: u.city,
    locale: u.locale ?? 'en-US',
  });
  const channelsOf = (ws: SandboxWorkspace, fake: FakeSlack) =>
    ws.channels.map((c) => ({ ...c, shared: fake.sharingOf(c.id) }));
  /** Each workspace with its people and channels, and whether Amends is installed there. */
  const workspacesOf = (installed: ReadonlySet<string>, fake: FakeSlack) =>
    SANDBOX_WORKSPACES.map((ws) => ({
      team: ws.team,
      installed: installed.has(ws.team.id),
      users: ws.users.map(pageUser),
      channels: channelsOf(ws, fake),
    }));

  const snapshot = (w: World) => ({
    /** The first workspace's team, people and channels (as before there were two). */
    team: SANDBOX_TEAM,
    bot: { id: w.fake.botUserId, name: 'Amends' },
    users: SANDBOX_USERS.map(pageUser),
    channels: SANDBOX_CHANNELS.map((c) => ({ ...c, shared: w.fake.sharingOf(c.id) })),
    workspaces: workspacesOf(w.installed, w.fake),
    now: w.clock.now().toISOString(),
    messages: w.fake.messages,
    ephemerals: w.ephemerals,
    /** App Home views published so far, by user (kept in memory only: opening Home asks again). */
    homes: Object.fromEntries(w.fake.homeViews),
  });

  // Booted once the page's port is ours: a second sandbox on a busy port never touches this database.
  let world!: World;
  let closed = false;
  let responses = 0;

  const userOf = (body: Record<string, unknown>): SandboxUser => {
    const id = str(body, 'user');
    const u = users.find((x) => x.id === id);
    if (!u) throw new HttpError(400, 'unknown user');
    return u;
  };
  /** The workspace a person belongs to: their requests carry its team id, and need Amends there. */
  const workspaceOf = (w: World, u: SandboxUser): SandboxWorkspace => {
    const ws = SANDBOX_WORKSPACES.find((x) => x.users.some((y) => y.id === u.id));
    if (!ws) throw new HttpError(400, 'unknown user');
    if (!w.installed.has(ws.team.id))
      throw new HttpError(
        409,
        `Amends is not installed in ${ws.team.name} yet: install it with Add to Slack`,
      );
    return ws;
  };
  /** A channel of the person's own workspace (another's is unknown to them, as in Slack). */
  const channelOf = (body: Record<string, unknown>, ws: SandboxWorkspace) => {
    const id = str(body, 'channel');
    const c = ws.channels.find((x) => x.id === id);
    if (!c) throw new HttpError(400, 'unknown channel');
    return c;
  };
  /** The `channel.name` of an interaction payload: Slack names a DM "directmessage". */
  const channelName = (id: string) =>
    id.startsWith('D') ? 'directmessage' : (ALL_CHANNELS.find((c) => c.id === id)?.name ?? id);
  const responseUrl = (w: World, user: string, channel: string) =>
    `${w.fake.responseUrlBase}${user}/${channel}/${++responses}`;
  const newTrigger = (w: World, user: string) => {
    const t = triggerId();
    w.triggerOwner.set(t, user);
    if (w.triggerOwner.size > 500) {
      const oldest = w.triggerOwner.keys().next().value;
      if (oldest !== undefined) w.triggerOwner.delete(oldest);
    }
    return t;
  };
  /**
   * Sends a signed request to the bot's receiver and answers the page once the bot's work for it
   * (its Slack calls after the ack) is done, so the page and the tests see the outcome at once.
   * A message the bot put in the ack itself (help, a mistake in what was typed, "busy") shows as
   * a private note, as Slack shows it.
   */
  const toBot = async (
    w: World,
    body: string,
    to?: { user: string; channel: string },
    contentType = 'application/x-www-form-urlencoded',
  ) => {
    const r = await postSigned(w.botUrl, w.secret, body, contentType);
    if (r.status !== 200) throw new HttpError(502, `the bot answered HTTP ${r.status}`);
    await w.amends.gate.idle();
    if (to && r.text) {
      let answer: unknown;
      try {
        answer = JSON.parse(r.text);
      } catch {
        answer = undefined;
      }
      if (isObject(answer) && typeof answer.text === 'string') {
        const stored: StoredResponse = {
          path: `${to.user}/${to.channel}/ack`,
          body: answer,
          at: w.clock.now().getTime(),
        };
        w.fake.responses.push(stored);
        w.fake.emit('response', stored);
      }
    }
    return r.text;
  };

  const api: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async command(body) {
      const w = world;
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const ch = channelOf(body, ws);
      // Long text goes through, as Slack sends it: the bot's own limit answers it, in the user's words.
      const text = (str(body, 'text', 40_000) ?? '').replace(/^\/incident\b/, '').trim();
      await toBot(
        w,
        slashCommandBody({
          teamId: ws.team.id,
          teamDomain: ws.team.domain,
          userId: u.id,
          userName: u.name,
          channelId: ch.id,
          channelName: ch.name,
          text,
          responseUrl: responseUrl(w, u.id, ch.id),
          triggerId: newTrigger(w, u.id),
        }),
        { user: u.id, channel: ch.id },
      );
      return { ok: true };
    },

    /**
     * A click in a message (`channel` and `messageTs`; the channel may be the user's DM with the
     * app), in an ephemeral only they see (`ephemeral`, its id in the state) or in the user's App
     * Home (`viewId`): a `block_actions` payload as Slack sends it from each. From a home view it has
     * no channel, message or response_url; its container is the view, and the view (with its state)
     * comes along. From an ephemeral the container says so, and there is no message.
     */
    async action(body) {
      const w = world;
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const viewId = str(body, 'viewId', 40);
      const ephemeral = str(body, 'ephemeral', 40);
      const actionId = str(body, 'action_id', 255) ?? '';
      const blockId = str(body, 'block_id', 255) ?? 'b';
      const type = str(body, 'type', 40) ?? 'button';
      const selected = str(body, 'selected_value', 2000);
      const selectedText = str(body, 'selected_text', 2000) ?? selected;
      const action = {
        action_id: actionId,
        block_id: blockId,
        type: type === 'overflow' ? ('overflow' as const) : ('button' as const),
        ...(type === 'overflow' ? { selected_value: selected ?? '' } : {}),
        ...(type === 'button' ? { value: str(body, 'value', 2000) ?? '' } : {}),
      };
      let payload: Record<string, unknown>;
      let home: StoredView | undefined;
      if (viewId !== undefined) {
        home = w.fake.homeViews.get(u.id);
        if (!home || home.id !== viewId) throw new HttpError(404, 'no such view');
        payload = blockActionsPayload({
          teamId: ws.team.id,
          teamDomain: ws.team.domain,
          userId: u.id,
          userName: u.name,
          channelId: homeChannel(u.id),
          messageTs: '',
          action,
          responseUrl: '',
          triggerId: newTrigger(w, u.id),
        });
        delete payload.channel;
        delete payload.message;
        delete payload.response_url;
        delete payload.state;
        payload.container = { type: 'view', view_id: home.id };
      } else if (ephemeral !== undefined) {
        // Only the user it was for can click it: anyone else's (or a made-up id) is not found.
        const eph = w.ephemerals.find((e) => e.id === ephemeral && e.user === u.id);
        if (!eph) throw new HttpError(404, 'no such ephemeral message');
        payload = blockActionsPayload({
          teamId: ws.team.id,
          teamDomain: ws.team.domain,
          userId: u.id,
          userName: u.name,
          channelId: eph.channel,
          channelName: channelName(eph.channel),
          messageTs: eph.ts,
          ...(eph.thread_ts ? { threadTs: eph.thread_ts } : {}),
          ephemeral: true,
          action,
          responseUrl: responseUrl(w, u.id, eph.channel),
          triggerId: newTrigger(w, u.id),
        });
      } else {
        // A channel's message, or one in the user's own DM with the app (another's is unknown).
        const dm = homeChannel(u.id);
        const ch =
          str(body, 'channel') === dm ? { id: dm, name: channelName(dm) } : channelOf(body, ws);
        const messageTs = str(body, 'messageTs', 40) ?? '';
        const message = w.fake.findMessage(ch.id, messageTs);
        if (!message) throw new HttpError(404, 'no such message');
        payload = blockActionsPayload({
          teamId: ws.team.id,
          teamDomain: ws.team.domain,
          userId: u.id,
          userName: u.name,
          channelId: ch.id,
          channelName: ch.name,
          messageTs,
          ...(message.thread_ts && message.thread_ts !== message.ts
            ? { threadTs: message.thread_ts }
            : {}),
          message: { ...message, channel: undefined },
          action,
          responseUrl: responseUrl(w, u.id, ch.id),
          triggerId: newTrigger(w, u.id),
        });
      }
      // Selects and pickers: the payload carries the choice the way Slack names it per type.
      const a = (payload.actions as Record<string, unknown>[])[0] ?? {};
      const pickedKey = PICKED[type];
      if (pickedKey) {
        delete a.value;
        delete a.text;
        a.type = type;
        a[pickedKey] = selected ?? null;
      } else if (type === 'static_select') {
        delete a.value;
        delete a.text;
        a.type = type;
        a.selected_option = { text: { type: 'plain_text', text: selectedText }, value: selected };
      } else if (type === 'overflow' && selectedText !== selected && isObject(a.selected_option)) {
        a.selected_option.text = { type: 'plain_text', text: selectedText };
      }
      if (home) {
        // In a view, Slack also keeps what its interactive elements hold in view.state.values.
        const held = pickedKey
          ? { type, [pickedKey]: a[pickedKey] }
          : type === 'static_select'
            ? { type, selected_option: a.selected_option }
            : undefined;
        payload.view = {
          ...home,
          state: { values: held ? { [blockId]: { [actionId]: held } } : {} },
        };
      }
      await toBot(w, interactionBody(payload));
      return { ok: true };
    },

    /**
     * The user opens the app's Home tab: Slack sends `app_home_opened`, and the bot publishes
     * the home (views.publish). Answers with the home view stored for them once the bot is done.
     */
    async home(body) {
      const w = world;
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const envelope = appHomeOpenedEnvelope(
        ws.team.id,
        u.id,
        w.clock.now(),
        w.fake.homeViews.get(u.id),
      );
      await toBot(w, JSON.stringify(envelope), undefined, 'application/json');
      return { ok: true, view: w.fake.homeViews.get(u.id) ?? null };
    },

    async submit(body) {
      const w = world;
      const u = userOf(body);
      const ws = workspaceOf(w, u);
      const viewId = str(body, 'viewId', 40) ?? '';
      const view = w.fake.views.get(viewId);
      if (!view || w.viewOwner.get(viewId) !== u.id) throw new HttpError(404, 'no such modal');
      const values = body.values ?? {};
      if (!isObject(values) || !Object.values(values).every(isObject))
        throw new HttpError(400, 'values must look like state.values');
      const text = await toBot(
        w,
        interactionBody(
          viewSubmissionPayload({
            teamId: ws.team.id,
            teamDomain: ws.team.domain,
            userId: u.id,
            userName: u.name,
            view: {
              id: view.id,
              callback_id: view.callback_id,
              private_metadata: view.private_metadata,
              blocks: view.blocks,
              hash: view.hash,
            },
            values: values as Record<string, Record<string, unknown>>,
          }),
        ),
      );
      // An empty 200 closes the modal; `response_action` answers keep it open (errors) or change it.
      if (!text.trim()) return { ok: true, close: true };
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        return { ok: true, close: true };
      }
      const action = isObject(answer) ? answer.response_action : undefined;
      if (action === 'errors' && isObject(answer)) return { ok: true, errors: answer.errors };
      if ((action === 'update' || action === 'push') && isObject(answer) && isObject(answer.view))
        return { ok: true, view: { ...answer.view, id: view.id } };
      return { ok: true, close: true };
    },

    /**
     * Marks a channel as shared with the client (Slack Connect) or not: the fake's
     * conversations.info reports it from now on, and the bot is made to ask again.
     */
    async share(body) {
      const w = world;
      const ws = SANDBOX_WORKSPACES.find((x) => x.channels.some((c) => c.id === body.channel));
      if (!ws) throw new HttpError(400, 'unknown channel');
      const ch = channelOf(body, ws);
      const how = str(body, 'how', 10) as ChannelSharing | undefined;
      if (!how || !SHARINGS.includes(how))
        throw new HttpError(400, 'how: ext, pending, org or none');
      w.fake.shareChannel(ch.id, how);
      await forgetSharing(w, ch.id);
      broadcast('channel', { id: ch.id, shared: how });
      persist(w);
      // Shared with another organisation: Slack tells the app at once (an invitation still
      // pending sends nothing; the bot finds it at its next write there).
      // A workspace without Amends sends the app nothing.
      if (how === 'ext' && w.installed.has(ws.team.id)) {
        const event = { type: 'channel_shared', connected_team_id: 'T0CLIENT01', channel: ch.id };
        await toBot(
          w,
          JSON.stringify(eventEnvelope(ws.team.id, event, w.clock.now())),
          undefined,
          'application/json',
        );
      }
      return { ok: true, channel: ch.id, shared: how };
    },

    async reset() {
      const old = world;
      await teardown(old, false);
      removeDatabase(dbPath);
      world = await boot();
      broadcast('snapshot', snapshot(world));
      return { ok: true, now: world.clock.now().toISOString() };
    },
  };

  // One reset at a time; other calls wait for it rather than hitting a half-built world.
  let busy: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = busy.then(f, f);
    busy = p.catch(() => {});
    return p;
  };

  /** The bot keeps a channel's sharing for a few minutes; the sandbox's switch should show at once. */
  const forgetSharing = (w: World, channel: string) => w.amends.sharing.forget(channel);

  /** One reminder tick at the current sandbox time, after a cron tick already running (if any). */
  const tickNow = async (w: World): Promise<TickReport> => {
    let report = await w.amends.reminders.tick();
    for (let i = 0; report.skipped && i < TICK_WAIT_TRIES; i++) {
      await new Promise((r) => setTimeout(r, TICK_WAIT_MS));
      report = await w.amends.reminders.tick();
    }
    // The bot's minute sweep, as it runs against Slack: cases, thread lines and first replies Slack
    // lacks are posted, and a parent whose step came due since it was drawn is drawn again (a
    // week's walk would otherwise show "To do" past the due time).
    await w.amends.catchUp({ olderThanMs: 60_000, skipChannelProblems: true });
    return report;
  };

  const zones = [...new Set(users.map((u) => u.tz))];
  const wh = config.playbook.workingHours;
  const marks = [...new Set([0, ...[wh.start, wh.end].map((s) => Number(s.split(':')[1]) || 0)])];

  /**
   * Moves the clock forward by `ms`, walking through the time in between: it stops at every hour
   * (every working hour of every user) and runs the reminder tick there, so a week's nudges arrive
   * on the days and at the hours they would have. Each stop is one turn of `serial`: the page's
   * clicks and commands get in between stops, and a Reset ends the walk.
   */
  const walk = async (ms: number) => {
    let w: World | undefined;
    let until = 0;
    const total = { sent: 0, planned: 0, failed: 0, ticks: 0 };
    for (let more = true; more; ) {
      more = await serial(async () => {
        if (closed) return false;
        // The world and the destination are taken in the first turn (after a Reset under way).
        if (!w) [w, until] = [world, world.clock.now().getTime() + ms];
        if (world !== w) return false;
        const now = w.clock.now().getTime();
        if (now >= until) return false;
        const stop = Math.min(until, nextWalkStop(now, zones, marks));
        w.clock.advance(stop - now);
        broadcast('clock', {
          now: new Date(stop).toISOString(),
          until: new Date(until).toISOString(),
        });
        const report = await tickNow(w);
        total.sent += report.sent;
        total.planned += report.planned;
        total.failed += report.failed;
        total.ticks++;
        persist(w);
        return stop < until;
      });
      if (more && w) await opts.betweenStops?.(total.ticks, w.clock.now());
    }
    const now = world.clock.now().toISOString();
    broadcast('clock', { now });
    return { ok: true, now, ...total };
  };
  // One walk at a time: a second click waits for the first to arrive.
  let walking: Promise<unknown> = Promise.resolve();
  const clock = async (body: Record<string, unknown>) => {
    const advance = str(body, 'advance', 10) as Advance | undefined;
    if (!advance || !Object.hasOwn(STEPS, advance))
      throw new HttpError(400, 'advance: hour, day or week');
    const p = walking.then(
      () => walk(STEPS[advance]),
      () => walk(STEPS[advance]),
    );
    walking = p.catch(() => {});
    return p;
  };

  let pagePort = 0;
  /** The page's address: where an install ends. */
  let pageUrl = '';
  const allowedHosts = () => [
    `127.0.0.1:${pagePort}`,
    `localhost:${pagePort}`,
    `[::1]:${pagePort}`,
  ];

  const send = (res: ServerResponse, status: number, type: string, body: string) => {
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
  const json = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

  /**
   * A file the bot uploaded, as a download: always an attachment, never rendered here (the bytes
   * are the bot's, or whatever it was given), with a CSP that would stop any script in it.
   */
  const download = (res: ServerResponse, id: string) => {
    const f = world.fake.files.find((x) => x.id === id);
    if (!f) return json(res, 404, { error: 'no such file' });
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

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    // Loopback only, and only for pages served from here: a DNS-rebinding or cross-site page gets 403.
    if (!allowedHosts().includes(req.headers.host ?? '')) return json(res, 403, { error: 'host' });
    const origin = req.headers.origin;
    if (origin && !allowedHosts().some((h) => origin === `http://${h}`))
      return json(res, 403, { error: 'origin' });
    if (!world) return json(res, 503, { error: 'starting' });
    if (closed) return json(res, 503, { error: 'stopping' });

    if (req.method === 'GET') {
      if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
      if (url.pathname === '/sandbox.js')
        return send(res, 200, 'text/javascript; charset=utf-8', PAGE_JS);
      if (url.pathname === '/sandbox.css')
        return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
      if (url.pathname === '/api/state') return json(res, 200, snapshot(world));
      if (url.pathname === '/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(`retry: 1000\nevent: snapshot\ndata: ${JSON.stringify(snapshot(world))}\n\n`);
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
      // Add to Slack: the bot's own install path (its port changes with each start and Reset).
      if (url.pathname === '/install') {
        res.writeHead(302, {
          location: `${world.botBase}/slack/install`,
          'cache-control': 'no-store',
        });
        res.end();
        return;
      }
      const file = /^\/files\/(F[A-Z0-9]+)(?:\/[^/]*)?$/.exec(url.pathname);
      if (file) return download(res, file[1] ?? '');
      return json(res, 404, { error: 'not found' });
    }
    const m = /^\/api\/(\w+)$/.exec(url.pathname);
    const handler = m?.[1] && Object.hasOwn(api, m[1]) ? api[m[1]] : undefined;
    const own = m?.[1] === 'clock' ? clock : undefined; // the walk takes its own turns
    if (req.method !== 'POST' || !(handler || own)) return json(res, 404, { error: 'not found' });
    readJson(req)
      .then((body) => (own ? own(body) : handler ? serial(() => handler(body)) : undefined))
      .then(
        (out) => json(res, 200, out),
        (e: unknown) => {
          if (e instanceof HttpError) return json(res, e.status, { ok: false, error: e.message });
          log.error('sandbox request failed', { path: url.pathname, err: e });
          json(res, 500, { ok: false, error: 'the sandbox hit an error (see the terminal)' });
        },
      );
  });

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
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${pagePort}`;
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
    await walking;
    await busy;
    await teardown(world, true);
  };

  if (standalone) {
    console.log(`Amends sandbox: ${url}`);
    const stop = () => {
      void close().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return {
    url,
    get slackApiUrl() {
      return world.fake.url;
    },
    slackCalls: () => world.fake.calls,
    close,
  };
}
