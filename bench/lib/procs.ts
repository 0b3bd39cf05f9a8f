import { type ChildProcess, fork } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { FakeApiArgs, FromFake } from '../fakeApi.js';
import { sleep } from './common.js';

/** Every child this run started, so a failure or Ctrl-C still ends them (by their own handle). */
const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
}

export interface Child<Out extends { type: string }> {
  readonly proc: ChildProcess;
  readonly stderr: () => string;
  /** Rejects when the process exits (use in a race against something it should do first). */
  readonly died: Promise<never>;
  next<T extends Out['type']>(type: T, timeoutMs?: number): Promise<Extract<Out, { type: T }>>;
  send(m: { type: string } & Record<string, unknown>): void;
  /** Asks it to stop, waits for the exit, kills it if it does not go. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Forks a compiled bench module with its arguments as one JSON argv entry and an IPC channel. */
export function forkChild<Out extends { type: string }>(
  module: URL,
  args: unknown,
  execArgv: string[] = [],
): Child<Out> {
  const proc = fork(module, [JSON.stringify(args)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv,
  });
  children.add(proc);
  // A child that already closed its IPC channel makes send() fail with EPIPE: not an error here.
  proc.on('error', () => {});
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited.then(() => children.delete(proc));
  const waiting: { type: string; resolve: (m: Out) => void }[] = [];
  const inbox: Out[] = [];
  proc.on('message', (m: Out) => {
    const i = waiting.findIndex((w) => w.type === m.type);
    if (i >= 0) waiting.splice(i, 1)[0]?.resolve(m);
    else inbox.push(m);
  });
  const died = exited.then((): never => {
    throw new Error(`${module.pathname} exited (${proc.exitCode ?? proc.signalCode})\n${err}`);
  });
  died.catch(() => {});
  return {
    proc,
    died,
    stderr: () => err,
    next<T extends Out['type']>(type: T, timeoutMs = 120_000) {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as Extract<Out, { type: T }>);
      return new Promise<Extract<Out, { type: T }>>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`no '${type}' from ${module.pathname} in ${timeoutMs} ms\n${err}`)),
          timeoutMs,
        );
        timer.unref();
        const onExit = (code: number | null) =>
          reject(new Error(`${module.pathname} exited (${code}) before '${type}'\n${err}`));
        proc.once('exit', onExit);
        waiting.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            proc.off('exit', onExit);
            resolve(m as Extract<Out, { type: T }>);
          },
        });
      });
    },
    send(m) {
      if (proc.connected) proc.send(m);
    },
    async stop(timeoutMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      if (proc.connected) proc.send({ type: 'stop' });
      const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/** The fake Slack Web API (bench/fakeApi.ts) in a child process, once it listens. */
export async function startFakeApi(args: FakeApiArgs) {
  const fake = forkChild<FromFake>(new URL('../fakeApi.js', import.meta.url), args);
  return { fake, api: await fake.next('ready') };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** One GET without keep-alive; true on a 200. */
export function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Polls `url` every 2 ms until it answers 200; returns the ms waited. */
export async function waitHealthy(url: string, since: number, timeoutMs = 30_000): Promise<number> {
  for (;;) {
    if (await httpOk(url)) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`${url} not healthy`);
    await sleep(2);
  }
}

/**
 * Calls `each` with every whole line a child writes, stdout and stderr read together as they
 * arrive (the bot logs one JSON object a line).
 */
export function onOutputLines(proc: ChildProcess, each: (line: string) => void): void {
  let buf = '';
  const onData = (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      each(line);
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
}
