/**
 * The container without a Docker engine (none on these machines): the Dockerfile is read and its
 * essentials checked, then its two stages are played in clean temporary folders: the build stage's
 * COPY and RUN lines in order, the runtime stage's COPY --from=build lines, then its CMD run as the
 * image's non-root user (uid 1000, `node` in the Node images) with the image's ENV, until the
 * image's own HEALTHCHECK command passes and /readyz answers 200; SIGTERM then ends it cleanly.
 *
 * Not played here (no root package manager in a test, no network to Docker Hub): the apt-get lines
 * (build tools, tini), and by default `npm ci` and `npm prune`, for which the repository's own
 * node_modules stands in (a real `npm ci` compiles better-sqlite3: minutes on these machines). With
 * AMENDS_CONTAINER_BUILD=1 they run for real, from the lockfile, in the clean folder.
 * compose.yaml is parsed with `yaml` and its essential keys checked.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeSlack } from '../src/sandbox/fakeSlack.js';
import { DRAIN_MS } from '../src/start.js';
import { freeTcpPort } from './helpers/botProcess.js';
import { ROOT } from './helpers/bundle.js';
import { TEAM } from './helpers/harness.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly steps: Instruction[];
}

/** The Dockerfile as stages of instructions (continuation lines joined, comments dropped). */
function readDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines: string[] = [];
  let cur = '';
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (!cur && (l.startsWith('#') || !l)) continue;
    if (l.endsWith('\\')) {
      cur += `${l.slice(0, -1)} `;
      continue;
    }
    lines.push(cur + l);
    cur = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const l of lines) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(l);
    if (!m) throw new Error(`not an instruction: ${l}`);
    const [, op = '', rest = ''] = m;
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      stages.push({ from: f?.[1] ?? rest, name: f?.[2] ?? null, steps: [] });
    } else if (op === 'ARG' && stages.length === 0) {
      const [k = '', v = ''] = rest.split('=');
      args[k] = v;
    } else {
      const s = stages.at(-1);
      if (!s) throw new Error(`${op} before FROM`);
      s.steps.push({ op, args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = readDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const [build, runtime] = dockerfile.stages as [Stage, Stage];
const of = (s: Stage, op: string) => s.steps.filter((i) => i.op === op).map((i) => i.args);
const json = (s: string) => JSON.parse(s) as string[];

const work = mkdtempSync(join(tmpdir(), 'amends-image-'));
chmodSync(work, 0o755);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Dockerfile', () => {
  it('two stages on a pinned Debian Node 20 image, never Alpine', () => {
    expect(dockerfile.args.NODE_IMAGE).toBe('node:20-bookworm-slim');
    const base = `\${NODE_IMAGE}`;
    expect(dockerfile.stages.map((s) => [s.from, s.name])).toEqual([
      [base, 'build'],
      [base, 'runtime'],
    ]);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).not.toMatch(/FROM\s+\S*alpine/i);
  });

  it('runs node dist/app/main.js (what npm start runs, without its rebuild) under tini, as a non-root user', () => {
    expect(of(runtime, 'USER')).toEqual(['node']);
    expect(json(of(runtime, 'ENTRYPOINT')[0] ?? '[]')).toEqual(['/usr/bin/tini', '--']);
    const cmd = json(of(runtime, 'CMD')[0] ?? '[]');
    expect(cmd).toEqual(['node', 'dist/app/main.js']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe(cmd.join(' '));
    expect(of(runtime, 'RUN').join('\n')).toMatch(/apt-get install .*\btini\b/);
  });

  it('keeps the SQLite file on a volume', () => {
    expect(of(runtime, 'VOLUME')).toEqual(['["/data"]']);
    expect(of(runtime, 'ENV')).toContain('DATABASE_PATH=/data/amends.db');
  });

  it('probes /livez', () => {
    expect(of(runtime, 'HEALTHCHECK')[0] ?? '').toMatch(/\/livez/);
  });

  it('stops on SIGTERM, which drains', () => {
    expect(of(runtime, 'STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('.dockerignore keeps local files (database, dependencies, git) out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['.git', 'node_modules', 'dist', 'data', '*.db', '*.db-*', '.env'])
      expect(ignored).toContain(p);
  });
});

describe('compose.yaml', () => {
  // Compose reads YAML merge keys (`<<: *anchor`); so must the test.
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const { db, migrate, amends } = compose.services as Record<string, Record<string, unknown>>;

  it('PostgreSQL at a pinned major version', () => {
    expect(db?.image).toMatch(/^postgres:\d+(-bookworm)?$/);
  });

  it('PostgreSQL with a health check', () => {
    expect(JSON.stringify(db?.healthcheck)).toContain('pg_isready');
  });

  it('PostgreSQL on a volume', () => {
    expect(db?.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(compose.volumes).toHaveProperty('pgdata');
  });

  it('a one-off migrate service that runs before the replicas, from the same image', () => {
    expect(migrate?.build).toBe('.');
    expect(migrate?.command).toEqual(['node', 'dist/app/store/migrateCli.js']);
    expect(migrate?.restart).toBe('no');
    expect(migrate?.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(amends?.image).toBe(migrate?.image);
    expect(amends?.build).toBe('.');
    expect(amends?.depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('two Amends replicas on the database, stopped slower than the drain', () => {
    expect(amends?.deploy).toEqual({ replicas: 2 });
    const env = (amends?.environment ?? {}) as Record<string, string>;
    expect(env.DATABASE_URL).toMatch(
      /^postgres:\/\/amends:\$\{POSTGRES_PASSWORD[^}]*\}@db:5432\/amends$/,
    );
    expect(env.SLACK_APP_TOKEN).toBeDefined();
    const grace = /^(\d+)s$/.exec(String(amends?.stop_grace_period));
    expect(Number(grace?.[1]) * 1000).toBeGreaterThan(DRAIN_MS);
  });
});

describe('the image’s steps, played without Docker', () => {
  const full = process.env.AMENDS_CONTAINER_BUILD === '1';
  const buildDir = join(work, 'build');
  const appDir = join(work, 'runtime');
  const dataDir = join(work, 'data');
  const skipped: string[] = [];

  it(
    `build stage in a clean folder (${full ? 'npm ci for real' : 'node_modules from the repository'})`,
    () => {
      let cwd = buildDir;
      for (const { op, args } of build.steps) {
        if (op === 'WORKDIR') {
          cwd = buildDir;
          mkdirSync(cwd, { recursive: true });
        } else if (op === 'COPY') {
          const parts = args.split(/\s+/);
          const dest = parts.pop() as string;
          for (const src of parts)
            cpSync(join(ROOT, src), dest.endsWith('/') ? join(cwd, dest, src) : join(cwd, dest), {
              recursive: true,
            });
        } else if (op === 'RUN') {
          if (args.startsWith('apt-get')) skipped.push(args);
          else if (!full && /^npm (ci|prune)\b/.test(args)) {
            skipped.push(args);
            if (args.startsWith('npm ci'))
              symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'));
          } else
            execFileSync('sh', ['-c', args], {
              cwd,
              stdio: ['ignore', 'ignore', 'pipe'],
              timeout: 600_000,
            });
        }
      }
      expect(existsSync(join(buildDir, 'dist/app/main.js'))).toBe(true);
      expect(existsSync(join(buildDir, 'dist/app/store/migrateCli.js'))).toBe(true);
      expect(existsSync(join(buildDir, 'dist/app/backupCli.js'))).toBe(true);
      // No source map points outside the image, and nothing of the tests came in.
      expect(existsSync(join(buildDir, 'test'))).toBe(false);
    },
    full ? 900_000 : 60_000,
  );

  it('runtime stage as uid 1000: the image’s HEALTHCHECK passes, /readyz is 200, SIGTERM ends it cleanly', async () => {
    const env: Record<string, string> = {};
    for (const { op, args } of runtime.steps) {
      if (op === 'ENV') {
        const [k = '', ...v] = args.split('=');
        env[k] = v.join('=');
      } else if (op === 'WORKDIR') mkdirSync(appDir, { recursive: true });
      else if (op === 'COPY') {
        const m = /^--from=build\s+\/app\/(\S+)\s+\.\/(\S+)$/.exec(args);
        if (!m) throw new Error(`unexpected COPY in the runtime stage: ${args}`);
        cpSync(join(buildDir, m[1] as string), join(appDir, m[2] as string), {
          recursive: true,
          verbatimSymlinks: true,
        });
      } else if (op === 'RUN') {
        if (args.startsWith('apt-get')) {
          skipped.push(args);
          continue;
        }
        // The volume's folder, made and given to the node user (uid 1000), here in a temp folder.
        expect(args).toBe('mkdir -p /data && chown node:node /data');
        mkdirSync(dataDir, { recursive: true });
        chownSync(dataDir, 1000, 1000);
      }
    }
    expect(env.DATABASE_PATH).toBe('/data/amends.db');
    const fake = await startFakeSlack({ users: [], teamId: TEAM });
    const port = await freeTcpPort();
    const [cmd, ...cmdArgs] = json(of(runtime, 'CMD')[0] ?? '[]') as [string, ...string[]];
    const asRoot = process.getuid?.() === 0;
    const proc = spawn(cmd === 'node' ? process.execPath : cmd, cmdArgs, {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        ...env,
        DATABASE_PATH: join(dataDir, 'amends.db'),
        PORT: String(port),
        SLACK_BOT_TOKEN: 'xoxb-image-test',
        SLACK_SIGNING_SECRET: 'image-test-secret',
        SLACK_API_URL: fake.url,
      },
      ...(asRoot ? { uid: 1000, gid: 1000 } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const on = (d: Buffer) => {
          out += d.toString();
          if (out.includes('Amends is running')) resolve();
        };
        proc.stdout.on('data', on);
        proc.stderr.on('data', on);
        void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      if (asRoot) {
        const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
        expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe('1000');
        expect(statSync(join(dataDir, 'amends.db')).uid).toBe(1000);
      }
      // The image's own HEALTHCHECK command, as Docker would run it inside the container.
      const hc = /CMD\s+(\[.*\])$/.exec(of(runtime, 'HEALTHCHECK')[0] ?? '')?.[1] ?? '[]';
      const [hcCmd, ...hcArgs] = json(hc) as [string, ...string[]];
      const check = spawnSync(hcCmd === 'node' ? process.execPath : hcCmd, hcArgs, {
        env: { PATH: process.env.PATH ?? '', PORT: String(port) },
        timeout: 10_000,
      });
      expect(check.status).toBe(0);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      proc.kill('SIGKILL');
      await fake.close();
    }
    expect(skipped.filter((s) => s.startsWith('apt-get'))).toHaveLength(2);
  }, 60_000);
});
