/**
 * /livez, /readyz (/healthz) and /metrics: on the HTTP receiver's port, and on Socket Mode's own
 * listener (HEALTH_PORT). Readiness turns 503 while draining, when the database is gone, when the
 * schema is not this build's and when Slack refuses the token; /metrics parses with a strict
 * Prometheus text parser and its series move with the work done.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { composeAmends } from '../../src/compose.js';
import { ManualClock } from '../../src/domain/clock.js';
import { loggerFromLog } from '../../src/log.js';
import { startFakeSlack } from '../../src/sandbox/fakeSlack.js';
import { SCHEMA_VERSION } from '../../src/store/db.js';
import { testConfig } from '../helpers/config.js';
import { CHANNEL, type Harness, startHarness, TEAM, USERS } from '../helpers/harness.js';
import { describePostgres } from '../helpers/postgres.js';
import { parsePrometheusText, sample } from '../helpers/promText.js';
import { refuseConnections, setSchemaVersion } from '../store/database.js';

const base = (h: Harness) => h.url.replace(/\/slack\/events$/, '');

async function getJson(url: string) {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function metricsOf(url: string) {
  const r = await fetch(`${url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await r.text());
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('probes in HTTP mode (on the receiver’s port)', () => {
  const readyBody = {
    ok: true,
    checks: { draining: 'ok', slack: 'ok', database: 'ok', schema: 'ok' },
  };

  it('/livez answers 200 with the event loop’s delay', async () => {
    h = await startHarness();
    const live = await getJson(`${base(h)}/livez`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ ok: true, eventLoopDelayP99Ms: expect.any(Number) });
  });

  it('/readyz answers 200 with every check ok, to HEAD as to GET', async () => {
    h = await startHarness();
    expect(await getJson(`${base(h)}/readyz`)).toEqual({ status: 200, body: readyBody });
    expect((await fetch(`${base(h)}/readyz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('/healthz is readiness under its old name', async () => {
    h = await startHarness();
    const ready = await getJson(`${base(h)}/readyz`);
    expect(ready).toEqual({ status: 200, body: readyBody });
    expect(await getJson(`${base(h)}/healthz`)).toEqual(ready);
  });

  /** A harness that has started draining. */
  async function draining(): Promise<Harness> {
    h = await startHarness();
    await h.amends.drain(0);
    return h;
  }

  it('/readyz turns 503 while draining', async () => {
    const d = await draining();
    const ready = await getJson(`${base(d)}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ draining: 'draining: refusing new work' });
    expect((await getJson(`${base(d)}/healthz`)).status).toBe(503);
  });

  it('/livez stays 200 while draining', async () => {
    const d = await draining();
    expect((await getJson(`${base(d)}/livez`)).status).toBe(200);
  });

  it('/readyz is 503 only while the database’s schema is not this build’s', async () => {
    h = await startHarness({ engine: 'sqlite' });
    setSchemaVersion(h.amends.store, SCHEMA_VERSION - 1);
    const behind = await getJson(`${base(h)}/readyz`);
    expect(behind.status).toBe(503);
    expect(behind.body.checks).toMatchObject({
      database: 'ok',
      schema: `at version ${SCHEMA_VERSION - 1}, this build expects ${SCHEMA_VERSION}: run npm run migrate`,
    });
    setSchemaVersion(h.amends.store, SCHEMA_VERSION);
    expect((await getJson(`${base(h)}/readyz`)).status).toBe(200);
  });

  it('/readyz turns 503 when the database is closed, /livez staying 200', async () => {
    h = await startHarness({ engine: 'sqlite' });
    expect((await getJson(`${base(h)}/readyz`)).status).toBe(200);
    await h.amends.store.close();
    const gone = await getJson(`${base(h)}/readyz`);
    expect(gone.status).toBe(503);
    expect(gone.body.checks).toMatchObject({ database: 'closed' });
    expect((await getJson(`${base(h)}/livez`)).status).toBe(200);
  });

  it('/readyz turns 503 once Slack refuses the token', async () => {
    h = await startHarness();
    h.fake.failNext('chat.postMessage', 'token_revoked');
    await h.command('Acme: wrong pallets');
    const ready = await getJson(`${base(h)}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({
      slack: 'Slack refused the token (token_revoked)',
    });
  });
});

describePostgres('probes on PostgreSQL', () => {
  it('/readyz is 503 only while the database refuses connections', async () => {
    h = await startHarness({ engine: 'postgres' });
    expect((await getJson(`${base(h)}/readyz`)).status).toBe(200);
    const letIn = await refuseConnections(h.amends.store);
    try {
      const gone = await getJson(`${base(h)}/readyz`);
      expect(gone.status).toBe(503);
      expect(gone.body.checks).toMatchObject({ schema: 'unknown' });
      expect((gone.body.checks as Record<string, string>).database).not.toBe('ok');
      expect((await getJson(`${base(h)}/livez`)).status).toBe(200);
    } finally {
      await letIn();
    }
    expect((await getJson(`${base(h)}/readyz`)).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('parses as Prometheus text, with every named series present', async () => {
    h = await startHarness();
    const m = await metricsOf(base(h));
    const types = Object.fromEntries([...m.values()].map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      amends_outbox_oldest_ready_age_seconds: 'gauge',
      amends_outbox_claims_in_flight: 'gauge',
      amends_reminders_sent_total: 'counter',
      amends_reminders_failed_total: 'counter',
      amends_slack_call_duration_seconds: 'histogram',
      amends_slack_rate_limited_total: 'counter',
      amends_lease_takeovers_total: 'counter',
      amends_token_refreshes_total: 'counter',
    });
    expect(sample(m, 'amends_reminders_sent_total', { kind: 'nudge' })).toBe(0);
    expect(sample(m, 'amends_token_refreshes_total', { outcome: 'refreshed' })).toBe(0);
    expect(sample(m, 'amends_lease_takeovers_total', { what: 'case_lease' })).toBe(0);
    expect(sample(m, 'amends_outbox_claims_in_flight')).toBe(0);
    // No series carries a workspace, channel or user.
    for (const f of m.values())
      for (const s of f.samples)
        expect(Object.keys(s.labels)).not.toEqual(
          expect.arrayContaining([expect.stringMatching(/team|channel|user|case/)]),
        );
  });

  it('moves with the work: Slack calls timed by method, a ready reminder’s age, a nudge sent, a 429, a failure', async () => {
    h = await startHarness();
    await h.command('Acme: wrong pallets');
    let m = await metricsOf(base(h));
    expect(
      sample(m, 'amends_slack_call_duration_seconds_count', { method: 'chat.postMessage' }),
    ).toBeGreaterThanOrEqual(2); // the parent and its first reply

    // Own-up is due by 12:30: the nudge is planned then, ready at once; 5 minutes later, unsent,
    // it is 300 s old.
    h.clock.set('2026-11-23T12:30:00Z');
    expect(await h.amends.reminders.plan(h.clock.now())).toBeGreaterThan(0);
    h.clock.set('2026-11-23T12:35:00Z');
    m = await metricsOf(base(h));
    expect(sample(m, 'amends_outbox_oldest_ready_age_seconds', { outbox: 'reminders' })).toBe(300);

    // Slack answers 429 once: the nudge waits (not failed), and the 429 is counted by method.
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    expect(await h.amends.reminders.tick()).toMatchObject({ sent: 0, retried: 1 });
    m = await metricsOf(base(h));
    expect(sample(m, 'amends_slack_rate_limited_total', { method: 'chat.postMessage' })).toBe(1);
    expect(sample(m, 'amends_reminders_sent_total', { kind: 'nudge' })).toBe(0);

    h.clock.set('2026-11-23T12:36:00Z');
    expect(await h.amends.reminders.tick()).toMatchObject({ sent: 1 });
    m = await metricsOf(base(h));
    expect(sample(m, 'amends_reminders_sent_total', { kind: 'nudge' })).toBe(1);
    expect(sample(m, 'amends_outbox_oldest_ready_age_seconds', { outbox: 'reminders' })).toBe(0);
    expect(sample(m, 'amends_outbox_claims_in_flight')).toBe(0);

    // The next nudge, into a channel Amends was removed from: failed, counted by kind.
    h.fake.kickFromChannel(CHANNEL);
    h.clock.set('2026-11-24T12:30:00Z');
    const report = await h.amends.reminders.tick();
    expect(report.failed).toBeGreaterThanOrEqual(1);
    m = await metricsOf(base(h));
    const failed = ['nudge', 'escalation', 'stalled']
      .map((kind) => sample(m, 'amends_reminders_failed_total', { kind }) ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(failed).toBe(report.failed);
  });
});

describe('probes in Socket Mode (their own listener, HEALTH_PORT)', () => {
  type Amends = Awaited<ReturnType<typeof composeAmends>>;

  /** Starts Amends in Socket Mode against a fake Slack, runs `body` with its probe URL. */
  async function inSocketMode(body: (url: string, amends: Amends) => Promise<void>) {
    const dir = mkdtempSync(join(tmpdir(), 'amends-probes-'));
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    wss.on('connection', (ws: WebSocket) =>
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1 })),
    );
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    const fake = await startFakeSlack({
      users: USERS,
      teamId: TEAM,
      now: () => clock.now(),
      socketModeUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link/`,
    });
    const amends = await composeAmends({
      config: testConfig({
        mode: 'socket',
        appToken: 'xapp-1-A0AMENDS01-1-abc',
        signingSecret: null,
        healthPort: 0,
        databasePath: join(dir, 'amends.db'),
        slackApiUrl: fake.url,
      }),
      clock,
      host: '127.0.0.1',
      logger: loggerFromLog(() => {}),
    });
    try {
      expect(amends.ops.healthPort()).toBeNull();
      expect(await amends.start()).toBeNull();
      const port = amends.ops.healthPort();
      expect(port).toBeGreaterThan(0);
      await body(`http://127.0.0.1:${port}`, amends);
    } finally {
      await amends.stop();
      for (const ws of wss.clients) ws.terminate();
      await new Promise((r) => wss.close(r));
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(amends.ops.healthPort()).not.toBeNull();
  }

  it('serves every probe, /metrics too, on HEALTH_PORT', async () => {
    await inSocketMode(async (url) => {
      expect((await getJson(`${url}/livez`)).status).toBe(200);
      expect(await getJson(`${url}/readyz`)).toMatchObject({ status: 200, body: { ok: true } });
      expect((await getJson(`${url}/healthz`)).status).toBe(200);
      const m = await metricsOf(url);
      // apps.connections.open went through the observed transport too.
      expect(
        sample(m, 'amends_slack_call_duration_seconds_count', { method: 'apps.connections.open' }),
      ).toBe(1);
      expect((await fetch(`${url}/nothing`)).status).toBe(404);
    });
  });

  it('/readyz on HEALTH_PORT turns 503 while draining', async () => {
    await inSocketMode(async (url, amends) => {
      await amends.drain(0);
      expect((await getJson(`${url}/readyz`)).status).toBe(503);
    });
  });
});

describe('probes in HTTP mode with HEALTH_PORT', () => {
  it('a listener of their own: probes on both ports, /metrics only on HEALTH_PORT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amends-probes-'));
    const fake = await startFakeSlack({ users: USERS, teamId: TEAM });
    const amends = await composeAmends({
      config: testConfig({
        healthPort: 0,
        databasePath: join(dir, 'amends.db'),
        slackApiUrl: fake.url,
      }),
      clock: new ManualClock('2026-11-23T08:00:00Z'),
      host: '127.0.0.1',
      logger: loggerFromLog(() => {}),
    });
    try {
      const port = await amends.start();
      const health = amends.ops.healthPort();
      expect(health).not.toBe(port);
      const main = `http://127.0.0.1:${port}`;
      const side = `http://127.0.0.1:${health}`;
      for (const url of [main, side]) {
        expect((await getJson(`${url}/livez`)).status).toBe(200);
        expect((await getJson(`${url}/readyz`)).status).toBe(200);
      }
      expect((await fetch(`${main}/metrics`)).status).toBe(404);
      expect(sample(await metricsOf(side), 'amends_outbox_claims_in_flight')).toBe(0);
    } finally {
      await amends.stop();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
