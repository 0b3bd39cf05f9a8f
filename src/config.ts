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
  else if (botToken || signingSecret) mode = 'http';
  else mode = 'sandbox';

  if (mode === 'http') {
    if (!botToken)
      problems.push(
        'Set SLACK_BOT_TOKEN (xoxb-…) for HTTP mode: from your Slack app’s OAuth & Permissions page',
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
  };
}
