/**
 * Bolt's own InstallProvider over our installation store: what `authorize` finds for a request,
 * and a token refresh (rotation) saved back, sealed, against a fake `oauth.v2.access`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstallProvider } from '@slack/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackInstallations } from '../../src/slack/installations.js';
import { InstallationRepo } from '../../src/store/installationRepo.js';
import { TokenCipher } from '../../src/store/tokenCipher.js';
import { describeEngines } from '../helpers/postgres.js';
import { storedInstallations } from '../store/database.js';
import { storePerTest } from '../store/engine.js';

/** A fake Slack answering oauth.v2.access for a refresh: a new token each time, counted. */
let server: Server;
let apiUrl = '';
const refreshes: URLSearchParams[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      if (
        req.url?.startsWith('/api/oauth.v2.access') &&
        form.get('grant_type') === 'refresh_token'
      ) {
        refreshes.push(form);
        const n = refreshes.length;
        res.end(
          JSON.stringify({
            ok: true,
            token_type: 'bot',
            access_token: `xoxe.xoxb-fresh-${n}`,
            refresh_token: `xoxe-refresh-${n + 1}`,
            expires_in: 43_200,
          }),
        );
      } else res.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describeEngines('Bolt’s InstallProvider on our installation store', (engine) => {
  const s = storePerTest(engine);
  // The wall clock's now: Bolt's own expiry check reads it, so the bot's must agree.
  const now = { t: new Date() };
  const cipher = new TokenCipher([randomBytes(32)]);
  const store = () =>
    new SlackInstallations(new InstallationRepo(s.conn, cipher), { now: () => now.t });
  const provider = (installationStore: SlackInstallations) =>
    new InstallProvider({
      clientId: '111.222',
      clientSecret: 'secret',
      stateSecret: 'state-secret',
      installationStore,
      clientOptions: { slackApiUrl: apiUrl },
    });

  /** The provider over a store holding T1 and T2. */
  async function twoInstalled() {
    const st = store();
    for (const team of ['T1', 'T2'])
      await st.storeInstallation({
        team: { id: team, name: team },
        enterprise: undefined,
        user: { id: `U${team}`, token: undefined, scopes: undefined },
        bot: { id: `B${team}`, userId: `UB${team}`, token: `xoxb-${team}`, scopes: ['chat:write'] },
        isEnterpriseInstall: false,
        authVersion: 'v2',
      });
    return provider(st);
  }

  it('authorize finds each workspace’s own bot token', async () => {
    const p = await twoInstalled();
    expect(
      (await p.authorize({ enterpriseId: undefined, teamId: 'T1', isEnterpriseInstall: false }))
        .botToken,
    ).toBe('xoxb-T1');
    expect(
      (
        await p.authorize({
          enterpriseId: undefined,
          teamId: 'T2',
          isEnterpriseInstall: false,
          userId: 'UT1',
        })
      ).botToken,
    ).toBe('xoxb-T2');
  });

  it('authorize says which workspace is not installed', async () => {
    const p = await twoInstalled();
    await expect(
      p.authorize({ enterpriseId: undefined, teamId: 'T3', isEnterpriseInstall: false }),
    ).rejects.toThrow(/not installed in workspace T3/);
  });

  /** An installation whose rotated token expires within Bolt's margin, authorized once. */
  async function refreshedOnce() {
    const st = store();
    const before = refreshes.length;
    await st.storeInstallation({
      team: { id: 'T1', name: 'T1' },
      enterprise: undefined,
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: {
        id: 'B1',
        userId: 'UB1',
        token: 'xoxe.xoxb-old',
        refreshToken: 'xoxe-refresh-1',
        expiresAt: Math.floor(Date.now() / 1000) + 60, // within Bolt's two-hour margin
        scopes: ['chat:write'],
      },
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    const p = provider(st);
    const first = await p.authorize({
      enterpriseId: undefined,
      teamId: 'T1',
      isEnterpriseInstall: false,
    });
    return { p, before, first };
  }

  it('an expiring rotated token is refreshed once', async () => {
    const { before, first } = await refreshedOnce();
    expect(first.botToken).toMatch(/^xoxe\.xoxb-fresh-/);
    expect(refreshes.length - before).toBe(1);
    expect(refreshes.at(-1)?.get('refresh_token')).toBe('xoxe-refresh-1');
  });

  it('a refreshed token is then used without refreshing', async () => {
    const { p, before, first } = await refreshedOnce();
    const again = await p.authorize({
      enterpriseId: undefined,
      teamId: 'T1',
      isEnterpriseInstall: false,
    });
    expect(again.botToken).toBe(first.botToken);
    expect(refreshes.length - before).toBe(1);
  });

  it('a refreshed token is saved sealed', async () => {
    await refreshedOnce();
    const stored = await storedInstallations(s);
    expect(stored.length).toBeGreaterThan(0);
    for (const sealed of stored) expect(sealed).not.toContain('xoxe');
  });

  it('deleteInstallation removes the workspace: authorize then fails', async () => {
    const st = store();
    await st.storeInstallation({
      team: { id: 'T1', name: 'T1' },
      enterprise: undefined,
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: { id: 'B1', userId: 'UB1', token: 'xoxb-T1', scopes: ['chat:write'] },
      isEnterpriseInstall: false,
      authVersion: 'v2',
    });
    await st.deleteInstallation({
      enterpriseId: undefined,
      teamId: 'T1',
      isEnterpriseInstall: false,
    });
    await expect(
      provider(st).authorize({ enterpriseId: undefined, teamId: 'T1', isEnterpriseInstall: false }),
    ).rejects.toThrow(/not installed/);
  });

  describe('token rotation across processes', () => {
    const expiring = (token: string, refresh: string) => ({
      team: { id: 'T1', name: 'T1' },
      enterprise: undefined,
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: {
        id: 'B1',
        userId: 'UB1',
        token,
        refreshToken: refresh,
        expiresAt: Math.floor(now.t.getTime() / 1000) + 3600, // an hour left
        scopes: ['chat:write'],
      },
      isEnterpriseInstall: false as const,
      authVersion: 'v2' as const,
    });
    const q = { enterpriseId: undefined, teamId: 'T1', isEnterpriseInstall: false } as const;

    it('two processes needing a fresh token at once: one refresh, both use its token, Bolt refreshes nothing', async () => {
      // On PostgreSQL another pool; on SQLite the same connection (two SQLite stores in one
      // process wait for each other's write lock with the event loop blocked): the lease is by holder.
      const other = engine === 'postgres' ? await s.another() : s.store;
      const spent: string[] = [];
      let release: () => void = () => {};
      const slow = new Promise<void>((r) => {
        release = r;
      });
      const outcomes: string[] = [];
      const make = (conn: typeof s.conn, leases: typeof s.store.repos.leases, holder: string) =>
        new SlackInstallations(
          new InstallationRepo(conn, cipher),
          { now: () => now.t },
          {
            leases,
            holder,
            refresh: async (token) => {
              spent.push(token);
              await slow;
              return {
                access_token: 'xoxe.xoxb-new',
                refresh_token: 'xoxe-r2',
                expires_in: 43_200,
              };
            },
            wait: async () => {
              release(); // the other process is waiting: let the refresh answer
              await new Promise((r) => setImmediate(r));
            },
            onRefresh: (o) => outcomes.push(o),
          },
        );
      const a = make(s.conn, s.store.repos.leases, 'replica-a');
      const b = make(other.conn, other.repos.leases, 'replica-b');
      await a.storeInstallation(expiring('xoxe.xoxb-old', 'xoxe-r1'));
      const [ia, ib] = await Promise.all([a.fetchInstallation(q), b.fetchInstallation(q)]);
      expect(spent).toEqual(['xoxe-r1']); // the refresh token spent once
      expect(ia.bot?.token).toBe('xoxe.xoxb-new');
      expect(ib.bot?.token).toBe('xoxe.xoxb-new');
      expect(outcomes.sort()).toEqual(['read_another', 'refreshed']);
      // Bolt's own authorize sees 12 hours left: it refreshes nothing itself.
      const before = refreshes.length;
      expect((await provider(a).authorize(q)).botToken).toBe('xoxe.xoxb-new');
      expect(refreshes.length).toBe(before);
    });

    it('a refresh Slack refuses is an error (counted) that leaves the lease free for a later try', async () => {
      const outcomes: string[] = [];
      let fail = true;
      const st = new SlackInstallations(
        new InstallationRepo(s.conn, cipher),
        { now: () => now.t },
        {
          leases: s.store.repos.leases,
          holder: 'replica-a',
          refresh: async () => {
            if (fail) throw new Error('invalid_refresh_token');
            return { access_token: 'xoxe.xoxb-new', refresh_token: 'xoxe-r2', expires_in: 43_200 };
          },
          onRefresh: (o) => outcomes.push(o),
        },
      );
      await st.storeInstallation(expiring('xoxe.xoxb-old', 'xoxe-r1'));
      await expect(st.fetchInstallation(q)).rejects.toThrow(/invalid_refresh_token/);
      fail = false;
      expect((await st.fetchInstallation(q)).bot?.token).toBe('xoxe.xoxb-new');
      expect(outcomes).toEqual(['failed', 'refreshed']);
    });
  });
});
