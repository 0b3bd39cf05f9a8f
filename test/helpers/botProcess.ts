/**
 * The real entry point (the bundle `npm start` runs, HTTP mode) as a process of its own, for the
 * process tests: started on a database and a fake Web API, ready once it says it is running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { onOutputLines } from '../../bench/lib/procs.js';

export interface Bot {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

export async function freeTcpPort(): Promise<number> {
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as AddressInfo).port;
  await new Promise((r) => free.close(r));
  return port;
}

/**
 * Starts the bundled main.js in HTTP mode; resolves once it has printed a line matching `ready` (by
 * default its "running" line; no polling).
 */
export async function startBotProcess(o: {
  main: string;
  secret: string;
  slackApiUrl: string;
  dbPath: string;
  ready?: RegExp;
  env?: Record<string, string>;
}): Promise<Bot> {
  const ready = o.ready ?? /running \(HTTP\) on port/;
  const freePort = await freeTcpPort();
  const proc = spawn(process.execPath, [o.main], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      SLACK_BOT_TOKEN: 'xoxb-process-test',
      SLACK_SIGNING_SECRET: o.secret,
      SLACK_API_URL: o.slackApiUrl,
      PORT: String(freePort),
      DATABASE_PATH: o.dbPath,
      LOG_LEVEL: 'info',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code, signal) => {
      if (signal) lines.push(`killed by ${signal}`);
      resolve(code);
    }),
  );
  let port = 0;
  await new Promise<void>((resolve, reject) => {
    onOutputLines(proc, (line) => {
      lines.push(line);
      const m = /running \(HTTP\) on port (\d+)/.exec(line);
      if (m) port = Number(m[1]);
      if (ready.test(line)) resolve();
    });
    void exited.then((code) => reject(new Error(`bot exited (${code}): ${lines.join('\n')}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}/slack/events`, lines, exited };
}
