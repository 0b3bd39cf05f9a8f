/**
 * Installs in many workspaces (OAuth), through the real app: Bolt's own installer at
 * /slack/install and /slack/oauth_redirect against the fake Slack's oauth.v2.access, installations
 * in our database, each workspace's requests and jobs calling Slack with its own token, token
 * rotation, and an uninstall that stops one workspace and leaves the other.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { postSigned } from '../../src/sandbox/slackRequests.js';
import { ACTION, VIEW } from '../../src/slack/ids.js';
import { InstallationRepo } from '../../src/store/installationRepo.js';
import { TokenCipher } from '../../src/store/tokenCipher.js';
import { reminderKeys } from '../helpers/cases.js';
import {
  CHANNEL,
  type Harness,
  OAUTH_CLIENT_ID,
  present,
  startHarness,
} from '../helpers/harness.js';
import {
  commandBody,
  eventEnvelope,
  input,
  nextView,
  openCase,
  postEvent,
  press,
  submit,
} from '../helpers/slack.js';
import { storedInstallations } from '../store/database.js';

const ACME = 'T0ACME001';
const GLOBEX = 'T0GLOBEX1';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A plain GET to the app (a browser following the install flow), with the cookies it holds. */
function get(
  url: string,
  cookie?: string,
): Promise<{ status: number; body: string; location?: string; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          setCookie: res.headers['set-cookie'] ?? [],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Add to Slack, as an admin of `team` would: the install page, Slack's consent, the redirect. */
async function install(team: string, admin: string, o: { rotate?: boolean } = {}) {
  const base = h.url.replace(/\/slack\/events$/, '');
  const page = await get(`${base}/slack/install`);
  expect(page.status).toBe(200);
  const href = /<a href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
  expect(href, page.body).toBeTruthy();
  const consent = new URL(href as string);
  const state = consent.searchParams.get('state');
  expect(consent.searchParams.get('client_id')).toBe(OAUTH_CLIENT_ID);
  const cookie = page.setCookie.map((c) => c.split(';')[0]).join('; ');
  // Slack sends the admin back with a code (the fake's: "<team>:<user>[:rotate]").
  const code = `${team}:${admin}${o.rotate ? ':rotate' : ''}`;
  return get(
    `${base}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${state}`,
    cookie,
  );
}

const tokensOf = (method: string, text: RegExp) =>
  h.fake
    .callsTo(method)
    .filter((c) => text.test(String(c.args.text ?? '')))
    .map((c) => c.token);

describe('OAuth: installs in many workspaces', () => {
  it('each workspace installed with Add to Slack posts its /incident with its own token', async () => {
    h = await startHarness({ oauth: true });
    const done = await install(ACME, 'U0ADMIN01');
    expect(done.status).toBe(200);
    expect(h.fake.callsTo('oauth.v2.access')).toHaveLength(1);
    await install(GLOBEX, 'U0ADMIN02');
    expect((await h.command('Wile E: anvils late', { team: ACME })).status).toBe(200);
    expect((await h.command('Hank: wrong budget', { team: GLOBEX })).status).toBe(200);
    const acmeToken = tokensOf('chat.postMessage', /Wile E/);
    const globexToken = tokensOf('chat.postMessage', /Hank/);
    expect(acmeToken.length).toBeGreaterThan(0);
    expect(new Set(acmeToken)).toEqual(
      new Set([expect.stringMatching(new RegExp(`^xoxb-${ACME}-`))]),
    );
    expect(new Set(globexToken)).toEqual(
      new Set([expect.stringMatching(new RegExp(`^xoxb-${GLOBEX}-`))]),
    );
  });

  it('keeps the tokens it installs sealed: the database never holds one in clear', async () => {
    h = await startHarness({ oauth: true });
    expect((await install(ACME, 'U0ADMIN01')).status).toBe(200);
    await install(GLOBEX, 'U0ADMIN02');
    const sealed = await storedInstallations(h.amends.store);
    expect(sealed.length).toBeGreaterThan(0);
    for (const r of sealed) expect(r).not.toContain('xoxb');
  });

  it('a state that was not issued installs nothing', async () => {
    h = await startHarness({ oauth: true });
    const base = h.url.replace(/\/slack\/events$/, '');
    const forged = await get(`${base}/slack/oauth_redirect?code=${ACME}%3AU0ADMIN01&state=forged`);
    expect(forged.status).toBe(400);
    expect(forged.body).toContain('slack_oauth_invalid_state');
    expect(h.fake.callsTo('oauth.v2.access')).toHaveLength(0);
    // A command from the workspace that did not get installed does nothing.
    expect((await h.command('Globex: hello', { team: GLOBEX })).status).toBe(200); // Bolt's ack
    expect(tokensOf('chat.postMessage', /Globex/)).toEqual([]);
  });

  it('a request from a workspace that never installed is refused: nothing stored, nothing posted', async () => {
    h = await startHarness({ oauth: true });
    await install(ACME, 'U0ADMIN01');
    // Bolt acknowledges it (Slack would only retry) and calls no listener.
    const r = await h.command('Intruder: hello', { team: 'T0NOBODY1' });
    expect(r.status).toBe(200);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await h.amends.cases.list('T0NOBODY1', CHANNEL, '')).toEqual([]);
  });

  it('reminders (no request behind them) go out with each workspace’s own token', async () => {
    h = await startHarness({ oauth: true, now: '2026-11-23T08:00:00Z' });
    await install(ACME, 'U0ADMIN01');
    await install(GLOBEX, 'U0ADMIN02');
    await h.command('Wile E: anvils late', { team: ACME });
    await h.command('Hank: wrong budget', { team: GLOBEX });
    h.clock.set('2026-11-23T12:30:00Z');
    await h.amends.reminders.tick();
    const nudges = h.fake
      .callsTo('chat.postMessage')
      .filter(
        (c) =>
          (c.args.metadata as { event_type?: string } | undefined)?.event_type ===
          'amends_reminder',
      );
    expect(nudges).toHaveLength(2);
    for (const n of nudges) {
      const key = String((n.args.metadata as { event_payload: { key: string } }).event_payload.key);
      expect(key).toBeTruthy();
    }
    expect(new Set(nudges.map((n) => String(n.token).split('-')[1]))).toEqual(
      new Set([ACME, GLOBEX]),
    );
    expect(reminderKeys(h)).toHaveLength(2);
  });

  it('a rotating token is refreshed once before it expires, by the request that needs it, which uses the new token', async () => {
    h = await startHarness({ oauth: true, now: new Date().toISOString() });
    await install(ACME, 'U0ADMIN01', { rotate: true });
    await h.command('Wile E: anvils late', { team: ACME });
    const refreshes = () =>
      h.fake.callsTo('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');
    expect(refreshes()).toHaveLength(0);
    expect(tokensOf('chat.postMessage', /Wile E/)[0]).toBe(`xoxe.xoxb-${ACME}-1`);
    h.clock.advance(10 * 3_600_000); // 2 hours left of 12: within the 3 hours it refreshes ahead
    await h.command('Road Runner: beeped twice', { team: ACME });
    expect(refreshes()).toHaveLength(1);
    expect(new Set(tokensOf('chat.postMessage', /Road Runner/))).toEqual(
      new Set([`xoxe.xoxb-${ACME}-2`]),
    );
    await h.command('Coyote: fell off', { team: ACME });
    expect(refreshes()).toHaveLength(1); // fresh for 12 hours now
  });

  it('a job with no request behind it refreshes the token the same way', async () => {
    h = await startHarness({ oauth: true, now: '2026-12-08T08:00:00Z' });
    await install(ACME, 'U0ADMIN01', { rotate: true });
    await h.command('Wile E: anvils late', { team: ACME });
    // The install's token lives 12 hours from the real clock's now: move the bot's clock to 2
    // hours before it runs out, inside working hours for the nudge (Rome).
    const refreshes = () =>
      h.fake.callsTo('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token');
    h.clock.set(new Date(Date.now() + 10 * 3_600_000).toISOString());
    const before = h.fake.callsTo('chat.postMessage').length;
    await h.amends.presenter.refresh((await h.amends.cases.list(ACME, CHANNEL, ''))[0] as never);
    expect(refreshes()).toHaveLength(1);
    const after = h.fake.calls.filter((c) => c.method === 'chat.update').at(-1);
    expect(after?.token).toBe(`xoxe.xoxb-${ACME}-2`);
    expect(h.fake.callsTo('chat.postMessage').length).toBe(before);
  });

  /** ACME and GLOBEX installed, then ACME uninstalled (seen paused as such). */
  const acmeUninstalled = async () => {
    h = await startHarness({ oauth: true });
    await install(ACME, 'U0ADMIN01');
    await install(GLOBEX, 'U0ADMIN02');
    expect((await postEvent(h, eventEnvelope({ type: 'app_uninstalled' }, ACME))).status).toBe(200);
    await present(
      async () => (await h.amends.workspaces.pausedReason(ACME)) === 'uninstalled',
      'uninstalled',
    );
  };

  it('uninstalling a workspace deletes its installation at once: its commands do nothing', async () => {
    await acmeUninstalled();
    // (installed() reads no token: any key does.)
    const left = await new InstallationRepo(
      h.amends.store.conn,
      new TokenCipher([randomBytes(32)]),
    ).installed();
    expect(left).toEqual([{ enterpriseId: null, teamId: GLOBEX, isEnterpriseInstall: false }]);
    await h.command('Wile E: anvils late', { team: ACME }); // acknowledged by Bolt, nothing done
    expect(tokensOf('chat.postMessage', /Wile E/)).toEqual([]);
  });

  it('uninstalling one workspace leaves the other working', async () => {
    await acmeUninstalled();
    await h.command('Hank: wrong budget', { team: GLOBEX });
    expect(tokensOf('chat.postMessage', /Hank/).length).toBeGreaterThan(0);
  });

  it('a workspace installed again after uninstalling works again, its pause lifted', async () => {
    await acmeUninstalled();
    await install(ACME, 'U0ADMIN01');
    expect(await h.amends.workspaces.pausedReason(ACME)).toBeNull();
    await h.command('Wile E: anvils late', { team: ACME });
    expect(tokensOf('chat.postMessage', /Wile E/).length).toBeGreaterThan(0);
  });

  it('two workspaces installed: a button or a form from one naming the other’s case changes nothing, reveals nothing', async () => {
    h = await startHarness({ oauth: true });
    await install(ACME, 'U0ADMIN01');
    await install(GLOBEX, 'U0ADMIN02');
    const o = await openCase(h, 'Wile E: anvils late', { team: ACME });
    const events = (await h.amends.caseRepo.events(ACME, o.c.id)).length;
    // Globex's user presses a button carrying Acme's case (its value).
    await press(h, o.parent, ACTION.done, { step: 'own_up', team: GLOBEX });
    const note = present(() => h.fake.callsTo('chat.postEphemeral').at(-1), 'a private note');
    expect(note.args.text).toBe(en.errors.case_not_found); // nothing of Acme's case in it
    expect(note.token).toMatch(new RegExp(`^xoxb-${GLOBEX}-`)); // said in Globex, by Globex's token
    // A form opened in Acme (its metadata names Acme's case), submitted from Globex.
    const n = h.fake.callsTo('views.open').length;
    await press(h, o.parent, ACTION.outline, { step: 'outline', team: ACME });
    const view = await nextView(h, VIEW.outline, n);
    await submit(
      h,
      view,
      {
        ...input.text('happened', 'Forged.'),
        ...input.text('why', 'Forged.'),
        ...input.text('prevention', 'Forged.'),
        ...input.text('two_sentences', 'Forged.'),
      },
      { team: GLOBEX },
    );
    const after = await h.amends.caseRepo.get(ACME, o.c.id);
    expect(after?.outline).toBeNull();
    expect(after?.steps.find((x) => x.key === 'own_up')?.status).toBe('pending');
    expect((await h.amends.caseRepo.events(ACME, o.c.id)).length).toBe(events);
    // Nothing was written into Acme's thread with Globex's token, nor with Acme's after the forgeries.
    const globexInAcme = h.fake.calls.filter(
      (c) => c.token?.includes(GLOBEX) && c.args.thread_ts === o.parent.ts,
    );
    expect(globexInAcme).toEqual([]);
  });

  const ORG = 'E0ORG0001';
  const GRID = 'T0GRID001';

  /** The org installed, and a command sent in one of its workspaces through the org's install. */
  const orgWithCommand = async () => {
    h = await startHarness({ oauth: true });
    expect((await install(ORG, 'U0ADMIN01')).status).toBe(200);
    // A command in a workspace of the org, through the org's install (as Slack sends it).
    const body = new URLSearchParams(commandBody(h, 'Initech: TPS reports', { team: GRID }));
    body.set('enterprise_id', ORG);
    body.set('is_enterprise_install', 'true');
    return postSigned(h.url, h.secret, body.toString(), 'application/x-www-form-urlencoded');
  };

  it('an org-wide install (Enterprise Grid) serves requests from its workspaces', async () => {
    const r = await orgWithCommand();
    expect(r.status).toBe(200);
    expect(new Set(tokensOf('chat.postMessage', /Initech/))).toEqual(new Set([`xoxb-${ORG}-1`]));
  });

  it('an org-wide install serves jobs with no request behind them, found by the workspace', async () => {
    await orgWithCommand();
    // A job with no request behind it: the case's redraw finds the org's install by the workspace.
    const [c] = await h.amends.cases.list(GRID, CHANNEL, '');
    expect(c).toBeDefined();
    const n = h.fake.callsTo('chat.update').length;
    await h.amends.presenter.refresh(c as NonNullable<typeof c>);
    expect(
      h.fake
        .callsTo('chat.update')
        .slice(n)
        .map((x) => x.token),
    ).toEqual([`xoxb-${ORG}-1`]);
  });

  it('an org-wide install removed: its installation goes, its workspaces stop', async () => {
    await orgWithCommand();
    const env = eventEnvelope({ type: 'app_uninstalled' }, GRID);
    env.enterprise_id = ORG;
    env.authorizations = [{ enterprise_id: ORG, team_id: null, is_enterprise_install: true }];
    expect((await postEvent(h, env)).status).toBe(200);
    expect(await h.amends.workspaces.pausedReason(GRID)).toBe('uninstalled');
    const left = await new InstallationRepo(
      h.amends.store.conn,
      new TokenCipher([randomBytes(32)]),
    ).installed();
    expect(left).toEqual([]);
  });
});
