import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Mode, readPlaybookFile } from '../src/config.js';
import { DEFAULT_PLAYBOOK, PlaybookError, stepDef } from '../src/domain/playbook.js';

const BOT = 'xoxb-1111-2222-abcdef';
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const APP = 'xapp-1-A0123-456-abcdef';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig: run mode', () => {
  it.each<[string, NodeJS.ProcessEnv, Mode]>([
    ['no credentials', {}, 'sandbox'],
    ['blank credentials', { SLACK_BOT_TOKEN: '  ', SLACK_SIGNING_SECRET: '' }, 'sandbox'],
    ['bot token + signing secret', { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET }, 'http'],
    ['app token + bot token', { SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT }, 'socket'],
    [
      'app token + bot token + secret',
      { SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET },
      'socket',
    ],
    [
      'AMENDS_MODE=sandbox wins over credentials',
      {
        AMENDS_MODE: 'sandbox',
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_APP_TOKEN: APP,
      },
      'sandbox',
    ],
    [
      'AMENDS_MODE=http with an app token too',
      {
        AMENDS_MODE: 'http',
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_APP_TOKEN: APP,
      },
      'http',
    ],
    [
      'AMENDS_MODE is trimmed',
      { AMENDS_MODE: ' socket ', SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP },
      'socket',
    ],
  ])('%s → %s', (_label, env, mode) => {
    expect(loadConfig(env).mode).toBe(mode);
  });

  it('keeps the credentials it was given, trimmed', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: ` ${BOT}\n`, SLACK_SIGNING_SECRET: SECRET });
    expect(c.botToken).toBe(BOT);
    expect(c.signingSecret).toBe(SECRET);
    expect(c.appToken).toBeNull();
  });

  it('sandbox defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      mode: 'sandbox',
      port: 3000,
      databasePath: './data/sandbox.db',
      slackApiUrl: null,
      playbookPath: null,
      reminderCron: '* * * * *',
      defaultTz: 'UTC',
      defaultLang: 'en',
      logLevel: 'info',
    });
    expect(c.playbook).toBe(DEFAULT_PLAYBOOK);
  });

  it.each<[NodeJS.ProcessEnv, string]>([
    [{}, './data/sandbox.db'],
    [{ SANDBOX_DATABASE_PATH: '/tmp/s.db', DATABASE_PATH: '/tmp/real.db' }, '/tmp/s.db'],
    [{ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET }, './data/amends.db'],
    [
      { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, DATABASE_PATH: '/var/lib/amends.db' },
      '/var/lib/amends.db',
    ],
  ])('database path for %j is %s (the sandbox never touches the real one)', (env, path) => {
    expect(loadConfig(env).databasePath).toBe(path);
  });

  it.each<[NodeJS.ProcessEnv, string | null]>([
    [{ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET }, null],
    [
      { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, DATABASE_URL: 'postgres://db/amends' },
      'postgres://db/amends',
    ],
    [
      {
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: SECRET,
        DATABASE_URL: ' postgresql://amends:pw@db:5432/amends ',
      },
      'postgresql://amends:pw@db:5432/amends',
    ],
    [{ DATABASE_URL: 'postgres://db/amends' }, null],
  ])(
    'DATABASE_URL for %j is %s (PostgreSQL, while the sandbox keeps its own SQLite file)',
    (env, url) => {
      expect(loadConfig(env).databaseUrl).toBe(url);
    },
  );
});

describe('loadConfig: one clear line per problem, naming the variable', () => {
  it.each<[string, NodeJS.ProcessEnv, RegExp[]]>([
    ['secret without a bot token', { SLACK_SIGNING_SECRET: SECRET }, [/^Set SLACK_BOT_TOKEN/]],
    ['bot token without a secret', { SLACK_BOT_TOKEN: BOT }, [/^Set SLACK_SIGNING_SECRET/]],
    [
      'app token without a bot token',
      { SLACK_APP_TOKEN: APP },
      [/^Set SLACK_BOT_TOKEN .*Socket Mode/],
    ],
    [
      'socket forced without an app token',
      { AMENDS_MODE: 'socket', SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET },
      [/^Set SLACK_APP_TOKEN/],
    ],
    [
      'http forced with nothing',
      { AMENDS_MODE: 'http' },
      [/^Set SLACK_BOT_TOKEN/, /^Set SLACK_SIGNING_SECRET/],
    ],
    [
      'unknown mode',
      { AMENDS_MODE: 'cloud' },
      [/^AMENDS_MODE must be http, socket or sandbox \(got "cloud"\)$/],
    ],
    [
      'not a bot token',
      { SLACK_BOT_TOKEN: 'abc123', SLACK_SIGNING_SECRET: SECRET },
      [/^SLACK_BOT_TOKEN must start with xoxb-/],
    ],
    [
      'app token of the wrong kind',
      { SLACK_APP_TOKEN: BOT, SLACK_BOT_TOKEN: BOT },
      [/^SLACK_APP_TOKEN must start with xapp-/],
    ],
    [
      'PORT not a number',
      { PORT: 'http' },
      [/^PORT must be a port number 1-65535 \(got "http"\)$/],
    ],
    ['PORT 0', { PORT: '0' }, [/^PORT .*"0"/]],
    ['PORT too large', { PORT: '65536' }, [/^PORT .*"65536"/]],
    ['PORT negative', { PORT: '-1' }, [/^PORT .*"-1"/]],
    ['PORT fractional', { PORT: '80.5' }, [/^PORT .*"80.5"/]],
    ['PORT with a suffix', { PORT: '3000x' }, [/^PORT .*"3000x"/]],
    [
      'HEALTH_PORT not a number',
      { HEALTH_PORT: 'x' },
      [/^HEALTH_PORT must be a port number .*"x"/],
    ],
    ['HEALTH_PORT 0', { HEALTH_PORT: '0' }, [/^HEALTH_PORT .*"0"/]],
    [
      'REMINDER_CRON not cron',
      { REMINDER_CRON: 'every minute' },
      [/^REMINDER_CRON is not a cron expression \(got "every minute"\)/],
    ],
    ['REMINDER_CRON out of range', { REMINDER_CRON: '61 * * * *' }, [/^REMINDER_CRON/]],
    [
      'DEFAULT_TIMEZONE unknown',
      { DEFAULT_TIMEZONE: 'Mars/Olympus_Mons' },
      [/^DEFAULT_TIMEZONE must be an IANA zone .*"Mars\/Olympus_Mons"/],
    ],
    [
      'DEFAULT_LANGUAGE unknown',
      { DEFAULT_LANGUAGE: 'fr' },
      [/^DEFAULT_LANGUAGE must be one of en, it, el, ca \(got "fr"\)$/],
    ],
    ['LOG_LEVEL unknown', { LOG_LEVEL: 'loud' }, [/^LOG_LEVEL must be debug, info, warn or error/]],
    [
      'UNINSTALLED_RETENTION_DAYS not a number of days',
      { UNINSTALLED_RETENTION_DAYS: '0' },
      [/^UNINSTALLED_RETENTION_DAYS must be a whole number of days from 1 to 3650 \(got "0"\)$/],
    ],
    [
      'SLACK_API_URL not a URL',
      { SLACK_API_URL: 'localhost api' },
      [/^SLACK_API_URL must be a URL .*"localhost api"/],
    ],
    ['SLACK_API_URL not http(s)', { SLACK_API_URL: 'ftp://example.com/api/' }, [/^SLACK_API_URL/]],
    [
      'DATABASE_URL not PostgreSQL',
      {
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: SECRET,
        DATABASE_URL: 'mysql://u:pw@db/amends',
      },
      [/^DATABASE_URL must be a PostgreSQL URL such as postgres:\/\/.* \(got a mysql: URL\)$/],
    ],
    [
      'DATABASE_URL a path',
      { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, DATABASE_URL: './data/amends.db' },
      [/^DATABASE_URL must be a PostgreSQL URL .*\(got no URL scheme\)$/],
    ],
  ])('%s', (_label, env, expected) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => {
      expect(problems[i]).toMatch(re);
      expect(problems[i]).not.toContain('\n');
    });
  });

  it('a DATABASE_URL refused is not repeated: its password stays out of the logs', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: SECRET,
      DATABASE_URL: 'mysql://amends:s3cret-pw@db.internal/amends',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toContain('s3cret-pw');
    expect(problems[0]).not.toContain('db.internal');
  });

  it('reports every problem at once, one line each', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'x', DEFAULT_TIMEZONE: 'Nowhere', LOG_LEVEL: 'loud', REMINDER_CRON: 'x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'PORT',
      'REMINDER_CRON',
      'DEFAULT_TIMEZONE',
      'LOG_LEVEL',
    ]);
    expect((err as ConfigError).message).toBe(problems.join('\n'));
  });
});

describe('loadConfig: valid settings', () => {
  it.each([
    ['http://127.0.0.1:3100/api', 'http://127.0.0.1:3100/api/'],
    ['https://slack.com/api/', 'https://slack.com/api/'],
    [' https://slack.example/api ', 'https://slack.example/api/'],
  ])('SLACK_API_URL %j → %j (trailing slash added)', (raw, url) => {
    expect(loadConfig({ SLACK_API_URL: raw }).slackApiUrl).toBe(url);
  });

  it.each([
    ['PORT', '8080', 'port', 8080],
    ['PORT', ' 65535 ', 'port', 65535],
    ['REMINDER_CRON', '*/30 * * * * *', 'reminderCron', '*/30 * * * * *'],
    ['DEFAULT_TIMEZONE', 'Europe/Athens', 'defaultTz', 'Europe/Athens'],
    ['DEFAULT_TIMEZONE', 'America/New_York', 'defaultTz', 'America/New_York'],
    ['DEFAULT_LANGUAGE', 'ca', 'defaultLang', 'ca'],
    ['LOG_LEVEL', 'debug', 'logLevel', 'debug'],
    ['UNINSTALLED_RETENTION_DAYS', '90', 'retentionDays', 90],
  ])('%s=%j → %s %j', (name, raw, field, value) => {
    expect(loadConfig({ [name]: raw })).toHaveProperty(field, value);
  });
});

describe('PLAYBOOK', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'amends-config-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['10000wd', 'steps[1].due.major', /cannot be counted with these working hours/],
    ['2000wd', 'steps[1].due.major', /lands more than 5 years away/],
  ])(
    'a duration that parses but would make every case fail (%s) → refused at start-up, naming the field',
    (due, path, problem) => {
      const p = file(
        `far-${due}.yml`,
        `steps:\n  - key: own_up\n  - key: outline\n    due:\n      major: ${due}\n`,
      );
      const problems = problemsOf({ PLAYBOOK: p });
      expect(problems).toHaveLength(1);
      expect(problems[0]?.startsWith(`PLAYBOOK ${p}: ${path}: "${due}"`)).toBe(true);
      expect(problems[0]).toMatch(problem);
    },
  );

  it('a bad field → one line naming the file, the field path, the problem', () => {
    const p = file(
      'bad.yml',
      'steps:\n  - key: own_up\n  - key: outline\n  - key: meeting\n    due:\n      major: 4x\n',
    );
    expect(problemsOf({ PLAYBOOK: p })).toEqual([
      `PLAYBOOK ${p}: steps[2].due.major: "4x" is not a duration (write e.g. 30m, 2h, 4wh, 1wd, 7d)`,
    ]);
  });

  it.each([
    ['hours.yml', 'workingHours:\n  start: "9am"\n', 'workingHours.start', /not a time/],
    ['key.json', '{"steps": [{"key": "apology"}]}', 'steps[0].key', /not a step/],
    ['extra.yml', 'workingHours: {}\ncolour: red\n', 'colour', /unknown field/],
    ['broken.yml', 'steps: [\n  - key: own_up\n', '(file)', /cannot be read as YAML/],
    ['broken.json', '{"steps": [', '(file)', /cannot be read as JSON/],
  ])('%s → a problem at %s', (name, text, path, problem) => {
    const p = file(name, text);
    const problems = problemsOf({ PLAYBOOK: p });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`PLAYBOOK ${p}: ${path}: `)).toBe(true);
    expect(problems[0]).toMatch(problem);
    expect(problems[0]).not.toContain('\n');
  });

  it('an empty (or comments-only) playbook file means the default playbook', () => {
    const p = file('empty.yml', '# nothing to change yet\n');
    expect(loadConfig({ PLAYBOOK: p }).playbook).toEqual(DEFAULT_PLAYBOOK);
  });

  it('a missing file → a problem naming the file', () => {
    const p = join(dir, 'nope.yml');
    const [line] = problemsOf({ PLAYBOOK: p });
    expect(line).toMatch(
      new RegExp(`^PLAYBOOK ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(file\\): `),
    );
    expect(line).toMatch(/ENOENT/);
  });

  it('readPlaybookFile throws PlaybookError with the path', () => {
    const p = file('title.yml', 'steps:\n  - key: own_up\n    title: ""\n');
    expect(() => readPlaybookFile(p)).toThrow(PlaybookError);
    try {
      readPlaybookFile(p);
    } catch (e) {
      expect((e as PlaybookError).path).toBe('steps[0].title');
    }
  });

  it('a good file is loaded, its path kept with it', () => {
    const p = file('ok.json', '{"escalationTarget": "S0ABCDEF1"}');
    const c = loadConfig({ PLAYBOOK: p });
    expect(c.playbookPath).toBe(p);
    expect(c.playbook.escalationTarget).toBe('S0ABCDEF1');
    expect(c.playbook.steps).toEqual(DEFAULT_PLAYBOOK.steps);
  });
});

describe('the committed example playbooks', () => {
  const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

  it('examples/playbook.yml loads: agency hours, own wording, 1 h critical own_up, firm compensation', () => {
    const pb = readPlaybookFile(example('playbook.yml'));
    expect(pb.workingHours).toEqual({ start: '08:30', end: '17:30', days: [1, 2, 3, 4, 5] });
    expect(pb.escalationTarget).toBe('S0123ABCD');
    const ownUp = stepDef(pb, 'own_up');
    expect(ownUp?.title).toBeTruthy();
    expect(ownUp?.due.critical).toEqual({ amount: 1, unit: 'h' });
    expect(stepDef(pb, 'compensation')?.optional).toBe(false);
    expect(stepDef(pb, 'keep_trying')?.cadenceDays).toEqual([3, 10, 30]);
    expect(pb.steps[0]?.key).toBe('own_up');
  });

  it.each(['playbook.yml', 'playbook.json'])('PLAYBOOK=examples/%s passes loadConfig', (name) => {
    const c = loadConfig({ PLAYBOOK: example(name) });
    expect(c.playbook).toEqual(readPlaybookFile(example(name)));
    expect(c.playbook).not.toEqual(DEFAULT_PLAYBOOK);
  });
});

describe('OAuth (many workspaces)', () => {
  const KEY = 'q'.repeat(43) + '=';
  const oauthEnv = {
    SLACK_CLIENT_ID: '111.222',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'a-state-secret-of-my-own',
    SLACK_SIGNING_SECRET: 'signing',
    AMENDS_ENCRYPTION_KEY: KEY,
  };

  it('SLACK_CLIENT_ID selects HTTP mode with installs, needing no bot token', () => {
    const c = loadConfig(oauthEnv);
    expect(c.mode).toBe('http');
    expect(c.botToken).toBeNull();
    expect(c.oauth?.clientId).toBe('111.222');
    expect(c.oauth?.keys).toHaveLength(1);
  });

  it('the key may come from a file (a mounted secret), the new one then the old during a change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amends-key-'));
    const file = join(dir, 'key');
    writeFileSync(file, `${'a'.repeat(64)}\n${KEY}\n`);
    const { AMENDS_ENCRYPTION_KEY: _, ...rest } = oauthEnv;
    expect(loadConfig({ ...rest, AMENDS_ENCRYPTION_KEY_FILE: file }).oauth?.keys).toHaveLength(2);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['no client secret', { SLACK_CLIENT_SECRET: '' }, /^Set SLACK_CLIENT_SECRET for installs/],
    ['no state secret', { SLACK_STATE_SECRET: '' }, /^Set SLACK_STATE_SECRET for installs/],
    [
      'a short state secret',
      { SLACK_STATE_SECRET: 'short' },
      /^SLACK_STATE_SECRET must be at least 16/,
    ],
    [
      'no encryption key',
      { AMENDS_ENCRYPTION_KEY: '' },
      /^Set AMENDS_ENCRYPTION_KEY .*openssl rand -base64 32/,
    ],
    [
      'a bad key',
      { AMENDS_ENCRYPTION_KEY: 'not-a-key' },
      /^AMENDS_ENCRYPTION_KEY: encryption key 1 is not 32 bytes/,
    ],
    [
      'a key file that is not there',
      { AMENDS_ENCRYPTION_KEY: '', AMENDS_ENCRYPTION_KEY_FILE: '/nowhere/key' },
      /^AMENDS_ENCRYPTION_KEY_FILE \/nowhere\/key cannot be read \(ENOENT\)$/,
    ],
    [
      'a bot token too',
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      /^Set SLACK_BOT_TOKEN \(one workspace\) or SLACK_CLIENT_ID/,
    ],
    [
      'Socket Mode',
      { SLACK_APP_TOKEN: 'xapp-1' },
      /^SLACK_CLIENT_ID \(installs in many workspaces\) needs HTTP mode/,
    ],
  ])('%s → one line saying what to set', (_, change, line) => {
    let err: unknown;
    try {
      loadConfig({ ...oauthEnv, ...change });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.some((p) => line.test(p))).toBe(true);
    // The key is never repeated in a message.
    expect((err as ConfigError).message).not.toContain(KEY);
  });
});

describe('loadConfig: HEALTH_PORT (the probes’ own listener)', () => {
  it.each<[string, NodeJS.ProcessEnv, number | null]>([
    ['Socket Mode: on PORT by default', { SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT }, 3000],
    [
      'Socket Mode: PORT moves it',
      { SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT, PORT: '8080' },
      8080,
    ],
    [
      'Socket Mode: HEALTH_PORT',
      { SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT, HEALTH_PORT: '9090' },
      9090,
    ],
    ['HTTP: none (probes on PORT)', { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET }, null],
    [
      'HTTP: HEALTH_PORT',
      { SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, HEALTH_PORT: '9090' },
      9090,
    ],
    ['sandbox: none', { HEALTH_PORT: '9090' }, null],
  ])('%s', (_, env, port) => {
    expect(loadConfig(env).healthPort).toBe(port);
  });
});
