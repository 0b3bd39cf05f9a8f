import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import cron from 'node-cron';
import {
  DEFAULT_PLAYBOOK,
  type Playbook,
  PlaybookError,
  parsePlaybook,
  withHolidays,
} from './domain/playbook.js';
import { checkPlaybook } from './domain/playbookCheck.js';
import { isValidTimeZone } from './domain/workingTime.js';
import { HolidaysError, publicHolidays } from './holidays.js';
import { isLang, LANGUAGES, type Lang } from './i18n/index.js';
import { parseKeys } from './store/tokenCipher.js';

export type Mode = 'http' | 'socket' | 'sandbox';

export interface Config {
  readonly mode: Mode;
  readonly botToken: string | null;
  readonly signingSecret: string | null;
  readonly appToken: string | null;
  readonly port: number;
  /**
   * The probes' and /metrics' own listener (HEALTH_PORT): always in Socket Mode (default: PORT);
   * in HTTP mode only when set (then /metrics is served there and not on PORT). Null: none.
   */
  readonly healthPort: number | null;
  /** The SQLite file, used when `databaseUrl` is not set. */
  readonly databasePath: string;
  /** A PostgreSQL database (`postgres://…`) instead of the SQLite file; null: SQLite. */
  readonly databaseUrl: string | null;
  readonly slackApiUrl: string | null;
  /** Working hours in it skip the playbook's own holidays and those of `holidays`. */
  readonly playbook: Playbook;
  readonly playbookPath: string | null;
  /** Whose public holidays are not working time: "IT", "US-NY" (date-holidays' codes); null: none. */
  readonly holidays: string | null;
  readonly reminderCron: string;
  readonly defaultTz: string;
  readonly defaultLang: Lang;
  /**
   * An internal channel (C…/G…) where a case asked for in a channel shared with the client is
   * opened instead. Null: the user is asked to pick one.
   */
  readonly recoveryChannel: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Days a workspace's data is kept after it uninstalled Amends, then deleted. */
  readonly retentionDays: number;
  /** Many workspaces, installed with Add to Slack (HTTP mode); null: one workspace's bot token. */
  readonly oauth: OAuthSettings | null;
}

/** What OAuth mode needs: the app's credentials and the keys that seal tokens at rest. */
export interface OAuthSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Signs the install flow's state (a secret of your own, long and random). */
  readonly stateSecret: string;
  /** AES-256 keys (32 bytes each): the first seals, every one opens (a key change). */
  readonly keys: readonly Buffer[];
}

/** Start-up problems, one readable line each, naming what to set. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export function readPlaybookFile(path: string): Playbook {
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    // yaml is loaded only for a YAML playbook: most installs have none, and it costs start-up time.
    raw =
      extname(path).toLowerCase() === '.json'
        ? JSON.parse(text)
        : (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);
  } catch (e) {
    throw new PlaybookError(
      '(file)',
      `cannot be read as ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  // An empty file (or one holding only comments) means: the default playbook.
  return raw === null || raw === undefined ? DEFAULT_PLAYBOOK : parsePlaybook(raw);
}

/**
 * A complete Config from a few explicit settings, with the same defaults loadConfig applies: for the
 * sandbox, the benchmark and the tests, which build the app without reading the environment.
 */
export function configWith(o: Pick<Config, 'mode' | 'databasePath'> & Partial<Config>): Config {
  const playbook = o.playbook ?? DEFAULT_PLAYBOOK;
  const holidays = o.holidays ? publicHolidays(o.holidays) : null;
  return {
    botToken: null,
    signingSecret: null,
    appToken: null,
    port: 0,
    healthPort: null,
    databaseUrl: null,
    slackApiUrl: null,
    playbookPath: null,
    reminderCron: '* * * * *',
    defaultTz: 'UTC',
    defaultLang: 'en',
    recoveryChannel: null,
    logLevel: 'info',
    retentionDays: 30,
    oauth: null,
    ...o,
    playbook: holidays ? withHolidays(playbook, holidays.calendar) : playbook,
    holidays: holidays?.setting ?? null,
  };
}

/** The only reader of process.env. Which run mode follows from which credentials are set. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const get = (k: string) => {
    const v = env[k]?.trim();
    return v ? v : null;
  };
  const botToken = get('SLACK_BOT_TOKEN');
  const signingSecret = get('SLACK_SIGNING_SECRET');
  const appToken = get('SLACK_APP_TOKEN');
  const forced = get('AMENDS_MODE');

  let mode: Mode;
  if (forced) {
    if (forced !== 'http' && forced !== 'socket' && forced !== 'sandbox') {
      problems.push(`AMENDS_MODE must be http, socket or sandbox (got "${forced}")`);
      mode = 'sandbox';
    } else mode = forced;
  } else if (appToken) mode = 'socket';
  else if (botToken || signingSecret || get('SLACK_CLIENT_ID')) mode = 'http';
  else mode = 'sandbox';

  // OAuth: many workspaces, each installed with Add to Slack; no bot token in the settings.
  const clientId = get('SLACK_CLIENT_ID');
  let oauth: OAuthSettings | null = null;
  if (clientId && mode !== 'sandbox') {
    const clientSecret = get('SLACK_CLIENT_SECRET');
    const stateSecret = get('SLACK_STATE_SECRET');
    if (mode === 'socket')
      problems.push(
        'SLACK_CLIENT_ID (installs in many workspaces) needs HTTP mode: unset SLACK_APP_TOKEN, and set SLACK_SIGNING_SECRET',
      );
    if (botToken)
      problems.push(
        'Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID (installs in many workspaces), not both',
      );
    if (!clientSecret)
      problems.push(
        'Set SLACK_CLIENT_SECRET for installs: from your Slack app’s Basic Information page',
      );
    if (!stateSecret)
      problems.push(
        'Set SLACK_STATE_SECRET for installs: a long random secret of your own (e.g. openssl rand -base64 32)',
      );
    else if (stateSecret.length < 16)
      problems.push(
        'SLACK_STATE_SECRET must be at least 16 characters (e.g. openssl rand -base64 32)',
      );
    const keys = encryptionKeys(get, problems);
    if (clientSecret && stateSecret && keys) oauth = { clientId, clientSecret, stateSecret, keys };
  }

  if (mode === 'http') {
    if (!botToken && !clientId)
      problems.push(
        'Set SLACK_BOT_TOKEN (xoxb-…) for HTTP mode: from your Slack app’s OAuth & Permissions page (or SLACK_CLIENT_ID to install in many workspaces)',
      );
    if (!signingSecret)
      problems.push(
        'Set SLACK_SIGNING_SECRET for HTTP mode: from your Slack app’s Basic Information page',
      );
  }
  if (mode === 'socket') {
    if (!botToken) problems.push('Set SLACK_BOT_TOKEN (xoxb-…) for Socket Mode');
    if (!appToken)
      problems.push('Set SLACK_APP_TOKEN (xapp-…, with connections:write) for Socket Mode');
  }
  if (botToken && mode !== 'sandbox' && !/^xox[bp]-/.test(botToken))
    problems.push('SLACK_BOT_TOKEN must start with xoxb- (a bot token)');
  if (appToken && mode === 'socket' && !appToken.startsWith('xapp-'))
    problems.push('SLACK_APP_TOKEN must start with xapp- (an app-level token)');

  const portRaw = get('PORT') ?? '3000';
  const port = Number(portRaw);
  if (!/^\d+$/.test(portRaw) || port < 1 || port > 65535)
    problems.push(`PORT must be a port number 1-65535 (got "${portRaw}")`);

  const healthRaw = get('HEALTH_PORT');
  let healthPort: number | null = mode === 'socket' ? port : null;
  if (healthRaw) {
    healthPort = Number(healthRaw);
    if (!/^\d+$/.test(healthRaw) || healthPort < 1 || healthPort > 65535)
      problems.push(`HEALTH_PORT must be a port number 1-65535 (got "${healthRaw}")`);
  }

  let slackApiUrl = get('SLACK_API_URL');
  if (slackApiUrl) {
    try {
      const u = new URL(slackApiUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
      if (!slackApiUrl.endsWith('/')) slackApiUrl += '/';
    } catch {
      problems.push(
        `SLACK_API_URL must be a URL such as https://slack.com/api/ (got "${slackApiUrl}")`,
      );
    }
  }

  const reminderCron = get('REMINDER_CRON') ?? '* * * * *';
  if (!cron.validate(reminderCron))
    problems.push(
      `REMINDER_CRON is not a cron expression (got "${reminderCron}"); e.g. "* * * * *" or "*/30 * * * * *"`,
    );

  const defaultTz = get('DEFAULT_TIMEZONE') ?? 'UTC';
  if (!isValidTimeZone(defaultTz))
    problems.push(`DEFAULT_TIMEZONE must be an IANA zone such as Europe/Rome (got "${defaultTz}")`);
  const langRaw = get('DEFAULT_LANGUAGE') ?? 'en';
  if (!isLang(langRaw))
    problems.push(`DEFAULT_LANGUAGE must be one of ${LANGUAGES.join(', ')} (got "${langRaw}")`);

  const recoveryChannel = get('RECOVERY_CHANNEL');
  if (recoveryChannel && !/^[CG][A-Z0-9]{2,}$/.test(recoveryChannel))
    problems.push(
      `RECOVERY_CHANNEL must be a channel ID such as C0123ABCD (Slack: channel details → About; got "${recoveryChannel}")`,
    );

  const retentionRaw = get('UNINSTALLED_RETENTION_DAYS') ?? '30';
  const retentionDays = Number(retentionRaw);
  if (!/^\d+$/.test(retentionRaw) || retentionDays < 1 || retentionDays > 3650)
    problems.push(
      `UNINSTALLED_RETENTION_DAYS must be a whole number of days from 1 to 3650 (got "${retentionRaw}")`,
    );

  const logLevel = (get('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    problems.push(`LOG_LEVEL must be debug, info, warn or error (got "${logLevel}")`);

  const playbookPath = get('PLAYBOOK');
  let playbook = DEFAULT_PLAYBOOK;
  if (playbookPath) {
    try {
      playbook = readPlaybookFile(playbookPath);
      checkPlaybook(playbook);
    } catch (e) {
      if (e instanceof PlaybookError)
        problems.push(`PLAYBOOK ${playbookPath}: ${e.path}: ${e.problem}`);
      else throw e;
    }
  }

  let holidays: string | null = null;
  const holidaysRaw = get('HOLIDAYS');
  if (holidaysRaw) {
    try {
      const h = publicHolidays(holidaysRaw);
      holidays = h.setting;
      playbook = withHolidays(playbook, h.calendar);
    } catch (e) {
      if (e instanceof HolidaysError) problems.push(e.message);
      else throw e;
    }
  }

  const databasePath =
    mode === 'sandbox'
      ? (get('SANDBOX_DATABASE_PATH') ?? './data/sandbox.db')
      : (get('DATABASE_PATH') ?? './data/amends.db');
  // PostgreSQL instead of the SQLite file. The sandbox keeps its own SQLite file (it rewrites what it
  // stores as its fake Slack needs): it never touches the bot's database.
  const databaseUrl = mode === 'sandbox' ? null : get('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Only the scheme is repeated: the rest of a database URL may hold its password.
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(databaseUrl)?.[1];
    problems.push(
      `DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/amends (got ${scheme ? `a ${scheme}: URL` : 'no URL scheme'})`,
    );
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    mode,
    botToken,
    signingSecret,
    appToken,
    port,
    healthPort: mode === 'sandbox' ? null : healthPort,
    databasePath,
    databaseUrl,
    slackApiUrl,
    playbook,
    playbookPath,
    holidays,
    reminderCron,
    defaultTz,
    defaultLang: langRaw as Lang,
    recoveryChannel,
    logLevel,
    retentionDays,
    oauth,
  };
}

/** The keys that seal tokens at rest, as the bot reads them (see below); throws what is wrong. */
export function tokenKeys(env: NodeJS.ProcessEnv): Buffer[] {
  const problems: string[] = [];
  const keys = encryptionKeys((k) => env[k]?.trim() || null, problems);
  if (!keys) throw new Error(problems.join('; '));
  return keys;
}

/**
 * The keys that seal tokens at rest, from AMENDS_ENCRYPTION_KEY or the file AMENDS_ENCRYPTION_KEY_FILE
 * (a secret mounted as a file): one key, or the new then the old during a key change. Null, with
 * the problem said, when missing or malformed; the keys themselves never appear in a message.
 */
function encryptionKeys(get: (k: string) => string | null, problems: string[]): Buffer[] | null {
  const inline = get('AMENDS_ENCRYPTION_KEY');
  const file = get('AMENDS_ENCRYPTION_KEY_FILE');
  if (inline && file) {
    problems.push('Set AMENDS_ENCRYPTION_KEY or AMENDS_ENCRYPTION_KEY_FILE, not both');
    return null;
  }
  let text = inline;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(
        `AMENDS_ENCRYPTION_KEY_FILE ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      return null;
    }
  }
  if (!text) {
    problems.push(
      'Set AMENDS_ENCRYPTION_KEY (or AMENDS_ENCRYPTION_KEY_FILE) for installs: it encrypts the workspaces’ tokens at rest (make one with: openssl rand -base64 32)',
    );
    return null;
  }
  try {
    return parseKeys(text);
  } catch (e) {
    problems.push(`AMENDS_ENCRYPTION_KEY: ${(e as Error).message}`);
    return null;
  }
}
