/**
 * The whole recovery flow in headless Chromium, on the sandbox page, against the real bot:
 * Debian's chromium driven by playwright-core (no browser download). Without /usr/bin/chromium
 * the test is skipped locally and fails in CI (`.ci/run` installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { MONDAY_MORNING, sandboxConfig } from '../helpers/sandboxConfig.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI) {
  throw new Error(
    `${CHROMIUM} is missing: the e2e test needs Debian's chromium (apt-get install chromium)`,
  );
}

describe.skipIf(!hasChromium)('sandbox page (headless Chromium)', () => {
  let dir: string;
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amends-e2e-'));
    sandbox = await startSandbox(
      sandboxConfig(dir),
      (m, x) => problems.push(`${m} ${JSON.stringify(x)}`),
      {
        standalone: false,
        startAt: MONDAY_MORNING,
      },
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'America/New_York',
    });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a recovery case: own up, nudges, client refuses, keep trying', async () => {
    await page.goto(sandbox.url);
    await page.locator('body[data-ready=true]').waitFor();
    expect(await page.getByTestId('user-switcher').inputValue()).toBe('U0JOAN0001');

    // 1. open a case from the composer
    await page.getByTestId('composer').fill('/incident Acme: late delivery');
    await page.getByTestId('composer').press('Enter');
    const channel = page.getByTestId('channel-messages');
    const caseMessage = channel.getByTestId('message').filter({ hasText: 'Acme · Major' });
    await caseMessage.waitFor();
    await caseMessage.getByTestId('reply-count').filter({ hasText: '1 reply' }).waitFor();

    // 2. own up: Done on the first step; the parent updates and the thread says so
    await caseMessage
      .locator('[data-block-id=actions_own_up] [data-action-id=amends_step_done]')
      .click();
    // It stops the own-up clock: a confirm dialog first.
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();
    await caseMessage.locator('[data-block-id=actions_own_up]').waitFor({ state: 'detached' });
    await caseMessage.getByTestId('reply-count').click();
    const thread = page.getByTestId('thread-messages');
    await thread.getByText('marked Own up to the client done').waitFor();
    expect(await thread.locator('.mention').first().textContent()).toBe('@Joan Smith');

    // 3. a day later: the outline for the meeting is due; left undone a day more, it escalates
    await page.getByTestId('advance-day').click();
    await thread.getByText('time for Write the outline').waitFor();
    await page.getByTestId('advance-day').click();
    // dates render in the reader's zone: "was yesterday 9:30 AM" for Joan in New York
    await thread
      .getByText(/Write the outline is overdue \(was due yesterday 9:30\sAM\)/)
      .first()
      .waitFor();

    // 4. the client refuses (a confirm dialog first)
    await caseMessage.locator('[data-action-id=amends_case_refused]').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();
    await thread.getByText('recorded that the client refused').waitFor();
    await caseMessage.getByText('Client refused for now').waitFor();

    // 5. a week later: the first keep-trying follow-up
    await page.getByTestId('advance-week').click();
    const followUp = thread.getByTestId('message').filter({ hasText: 'follow-up 1' });
    await followUp.waitFor();

    // the screenshot: the case's header in the channel, the thread with its nudges beside it
    await caseMessage.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.getByTestId('toast').waitFor({ state: 'hidden' });

    // The README's picture is refreshed on demand (UPDATE_SCREENSHOT=1), never as a side effect of CI.
    const shot = process.env.UPDATE_SCREENSHOT ? 'docs/sandbox.png' : 'test-results/sandbox.png';
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    expect(problems).toEqual([]);
  }, 60_000);

  it('opens the form with /incident, shows errors in the modal, and posts the case', async () => {
    await page.getByTestId('channel-accounts').click();
    await page.getByTestId('composer').fill('/incident');
    await page.getByTestId('composer').press('Enter');
    const modal = page.getByTestId('modal');
    await modal.waitFor();
    expect(await page.getByTestId('modal-title').textContent()).toBe('New recovery case');
    // required fields are checked before anything is sent, as in Slack
    await page.getByTestId('modal-submit').click();
    await modal.getByTestId('field-error').first().waitFor();
    await modal.locator('[data-block-id=client]').fill('Globex');
    await modal.locator('[data-block-id=summary]').fill('Invoice sent twice');
    await modal.locator('select[data-block-id=owner]').selectOption('U0MARIA001');
    // a due date in the past is refused by the bot itself (response_action: errors)
    await modal.locator('[data-block-id=due_date]').fill('2020-01-01');
    await page.getByTestId('modal-submit').click();
    await modal
      .getByTestId('field-error')
      .filter({ hasText: /future/ })
      .waitFor();
    await modal.locator('[data-block-id=due_date]').fill('');
    await page.getByTestId('modal-submit').click();
    await modal.waitFor({ state: 'detached' });
    const msg = page
      .getByTestId('channel-messages')
      .getByTestId('message')
      .filter({ hasText: 'Globex' });
    await msg.waitFor();
    await msg.locator('.mention').filter({ hasText: 'Maria Rossi' }).first().waitFor();

    // Maria sees her own mention highlighted, dates in Rome time; ephemerals are hers only
    await page.getByTestId('user-switcher').selectOption('U0MARIA001');
    expect(await msg.locator('.mention.me').first().textContent()).toBe('@Maria Rossi');
    await page.getByTestId('composer').fill('/incident help');
    await page.getByTestId('composer').press('Enter');
    const eph = page.getByTestId('ephemeral');
    await eph.getByText('Only visible to you').waitFor();
    await page.getByTestId('user-switcher').selectOption('U0JOAN0001');
    await expect.poll(() => eph.count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);

  it('speaks Catalan for the Barcelona user, marks a channel shared, and shows an uploaded file', async () => {
    await page.goto(sandbox.url);
    await page.locator('body[data-ready=true]').waitFor();
    // The fourth user, in the picker like the others; her case speaks Catalan.
    const switcher = page.getByTestId('user-switcher');
    expect(await switcher.locator('option').allTextContents()).toContainEqual(
      expect.stringMatching(/^Montse Puig — Barcelona \(UTC\+1, ca-ES\)$/),
    );
    await switcher.selectOption('U0MONTSE01');
    expect(await page.getByTestId('clock-now').textContent()).toContain('Barcelona');
    await page.getByTestId('channel-general').click();
    await page.getByTestId('composer').fill('/incident Initech: wrong delivery address');
    await page.getByTestId('composer').press('Enter');
    const caseMessage = page
      .getByTestId('channel-messages')
      .getByTestId('message')
      .filter({ hasText: 'Initech' });
    // The page's own chrome speaks the viewer's language too ("1 reply" in Catalan).
    expect(await caseMessage.getByTestId('reply-count').textContent()).toMatch(
      /^(1 resposta|\d+ respostes)$/,
    );
    await caseMessage.getByTestId('reply-count').click();
    const thread = page.getByTestId('thread-messages');
    // Its first line, "you own this case" in Catalan, as the page shows it (mrkdwn rendered).
    const [, mine] = t('ca')
      .thread.opened('{owner}', '{step}', '')
      .split(/\{owner\}|\{step\}/);
    const catalan = (mine ?? '')
      .replace(/[*_~]/g, '')
      .replace(/^[\s,]+/, '')
      .trim();
    expect(catalan.length).toBeGreaterThan(5);
    await thread.getByText(catalan).first().waitFor();

    // The bot uploads a file into the case's thread: the page shows its title, name and a download.
    const parentTs = await caseMessage.getAttribute('data-ts');
    const bytes = Buffer.from('client,outcome\nInitech,apology sent\n');
    await new WebClient('xoxb-e2e', {
      slackApiUrl: sandbox.slackApiUrl,
      retryConfig: { retries: 0 },
    }).files.uploadV2({
      channel_id: 'C0SANDBOX1',
      thread_ts: parentTs ?? '',
      file: bytes,
      filename: 'initech.csv',
      title: 'Initech: the case so far',
      initial_comment: 'The export',
    });
    const file = thread.getByTestId('file');
    await file.getByTestId('file-title').filter({ hasText: 'Initech: the case so far' }).waitFor();
    expect(await file.getByTestId('file-name').textContent()).toContain('initech.csv');
    const href = await file.getByTestId('file-download').getAttribute('href');
    expect(href).toMatch(/^\/files\/F[A-Z0-9]+\/initech\.csv$/);
    const downloaded = await page.evaluate(async (url) => (await fetch(url)).text(), href ?? '');
    expect(downloaded).toBe(bytes.toString());

    // #accounts shared with the client: the switch says so, and the sidebar marks the channel.
    await page.getByTestId('channel-accounts').click();
    const toggle = page.getByTestId('share-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await page.locator('[data-testid=share-toggle][aria-pressed=true]').waitFor();
    await page.getByTestId('channel-accounts').getByTestId('shared-mark').waitFor();
    expect(await page.getByTestId('channel-general').getByTestId('shared-mark').count()).toBe(0);
    const info = await new WebClient('xoxb-e2e', {
      slackApiUrl: sandbox.slackApiUrl,
    }).conversations.info({ channel: 'C0SANDBOX2' });
    expect(info.channel).toMatchObject({ is_shared: true, is_ext_shared: true });
    await toggle.click();
    await page.locator('[data-testid=share-toggle][aria-pressed=false]').waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it('opens App Home: the home the bot publishes, its buttons, and a language picked in it', async () => {
    // A fresh sandbox with a team's week in it: three cases by three people, a step done, one won back.
    const api = async (path: string, body: unknown) => {
      const r = await fetch(sandbox.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(200);
    };
    await api('/api/reset', {});
    const open = (user: string, channel: string, text: string) =>
      api('/api/command', { user, channel, text });
    await open('U0NIKOS001', 'C0SANDBOX1', 'Initech: wrong delivery address');
    await open('U0MARIA001', 'C0SANDBOX2', 'Globex: invoice sent twice');
    await open('U0JOAN0001', 'C0SANDBOX1', 'Acme: late delivery');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(sandbox.url);
    await page.locator('body[data-ready=true]').waitFor();
    const switcher = page.getByTestId('user-switcher');
    const channel = page.getByTestId('channel-messages');
    await page.getByTestId('channel-general').click();

    // Nikos: the client accepted, and he closes the case as won back.
    await switcher.selectOption('U0NIKOS001');
    const initech = channel.getByTestId('message').filter({ hasText: 'Initech ·' });
    await initech.locator('[data-action-id=amends_case_accepted]').click();
    await page.getByTestId('confirm-ok').click();
    await initech.locator('[data-action-id=amends_case_accepted]').waitFor({ state: 'detached' });
    await initech.locator('[data-action-id=amends_case_close]').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('modal').waitFor();
    await page.getByTestId('modal-submit').click();
    await page.getByTestId('modal').waitFor({ state: 'detached' });
    await initech.locator('[data-action-id=amends_case_close]').waitFor({ state: 'detached' });

    // An hour later Joan owns up on Acme.
    await page.getByTestId('advance-hour').click();
    await page.getByTestId('toast').filter({ hasText: 'Clock moved on' }).waitFor();
    await switcher.selectOption('U0JOAN0001');
    const acme = channel.getByTestId('message').filter({ hasText: 'Acme ·' });
    await acme.locator('[data-block-id=actions_own_up] [data-action-id=amends_step_done]').click();
    await page.getByTestId('confirm-ok').click();
    await acme.locator('[data-block-id=actions_own_up]').waitFor({ state: 'detached' });

    // App Home: the page sends app_home_opened, and draws the home the bot publishes.
    await page.getByTestId('app-home-link').click();
    const home = page.getByTestId('home-view');
    await home
      .locator('.b-header')
      .filter({ hasText: /^Amends$/ })
      .waitFor();
    expect(await page.getByTestId('channel-messages').isVisible()).toBe(false);
    const newCase = home.locator('[data-action-id=amends_home_new_case]');
    expect(await newCase.textContent()).toBe('New case');
    await home.getByText('Your open steps').waitFor();
    expect(await home.textContent()).toContain('1 won back');
    expect(await home.textContent()).toContain('Globex'); // the team's cases: Maria's too

    // Her steps carry their buttons: Done on "Apologise" is a click from the view, and the bot
    // publishes the home again without that step (and the case message in the channel follows).
    // (The step's title, not the outcomes' "Apologised: …" line below it.)
    const step = 'Apologise and take responsibility';
    const apologize = home.locator('.b-section', { hasText: step });
    await home
      .locator(`.b-section:has-text("${step}") + .b-actions [data-action-id=amends_step_done]`)
      .click();
    await apologize.waitFor({ state: 'detached' });
    await home.getByText('Apologised: 33% (1 of 3 cases)').waitFor();

    // "New case" opens the bot's form, for her, over App Home.
    await newCase.click();
    await page.getByTestId('modal-title').filter({ hasText: 'New recovery case' }).waitFor();
    await page.getByTestId('modal-close').click();
    await page.getByTestId('modal').waitFor({ state: 'detached' });

    // The README's picture of App Home, refreshed on demand like docs/sandbox.png.
    await page.getByTestId('toast').waitFor({ state: 'hidden' });
    const shot = process.env.UPDATE_SCREENSHOT ? 'docs/app-home.png' : 'test-results/app-home.png';
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1280, height: 900 } });

    // Italian picked in the home's select: the bot stores it and publishes the home again.
    await home.locator('select[data-action-id=amends_home_language]').selectOption('it');
    await home.getByText('I tuoi passi aperti').waitFor();
    expect(await home.locator('[data-action-id=amends_home_new_case]').textContent()).toBe(
      'Nuovo caso',
    );
    expect(await home.locator('select[data-action-id=amends_home_language]').inputValue()).toBe(
      'it',
    );

    // Back in a channel, the messages are there again.
    await page.getByTestId('channel-general').click();
    await channel.getByTestId('message').filter({ hasText: 'Acme ·' }).waitFor();
    expect(await page.getByTestId('app-home').isVisible()).toBe(false);
    expect(problems).toEqual([]);
  }, 60_000);

  it('installs Amends in the second workspace with Add to Slack, and keeps each workspace’s cases to itself', async () => {
    // A case in the first workspace.
    const opened = await fetch(`${sandbox.url}/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'U0JOAN0001', channel: 'C0SANDBOX1', text: 'Umbrella: late' }),
    });
    expect(opened.status).toBe(200);
    await page.goto(sandbox.url);
    await page.locator('body[data-ready=true]').waitFor();
    await page.getByTestId('channel-general').click();
    await page.getByTestId('channel-messages').getByText('Umbrella ·').first().waitFor();

    // The second workspace, from the rail: no Amends there yet, none of the first one's cases.
    await page.getByTestId('workspace-T0SANDBOX2').click();
    expect(await page.getByTestId('workspace-name').textContent()).toBe('Orchard Studio');
    expect(await page.getByTestId('user-switcher').inputValue()).toBe('U0ALEX0001');
    await page.getByTestId('add-to-slack').waitFor();
    expect(await page.getByTestId('app-home-link').isVisible()).toBe(false);
    expect(await page.getByTestId('channel-messages').textContent()).not.toContain('Umbrella');

    // Add to Slack: the bot's /slack/install, Slack's consent page, Allow, back on the page.
    await page.getByTestId('add-to-slack').click();
    await page
      .getByTestId('consent-title')
      .filter({ hasText: 'Install Amends in Orchard Studio?' })
      .waitFor();
    await page.getByTestId('consent-allow').click();
    await page.waitForURL(`${sandbox.url}/`);
    await page.locator('body[data-ready=true]').waitFor();
    expect(await page.getByTestId('workspace-name').textContent()).toBe('Orchard Studio');
    await page.getByTestId('app-home-link').waitFor();
    expect(await page.getByTestId('add-app').isVisible()).toBe(false);

    // A case here; App Home shows it and nothing of the first workspace's.
    await page.getByTestId('composer').fill('/incident Pearfield: wrong invoice');
    await page.getByTestId('composer').press('Enter');
    const channel = page.getByTestId('channel-messages');
    await channel.getByTestId('message').filter({ hasText: 'Pearfield ·' }).waitFor();
    expect(await channel.textContent()).not.toContain('Umbrella');
    await page.getByTestId('app-home-link').click();
    const home = page.getByTestId('home-view');
    await home.getByText('Pearfield').first().waitFor();
    expect(await home.textContent()).not.toContain('Umbrella');
    expect(await home.textContent()).not.toContain('Globex');

    // Back in the first workspace: its cases, none of the second's.
    await page.getByTestId('workspace-T0SANDBOX1').click();
    expect(await page.getByTestId('user-switcher').inputValue()).toMatch(
      /^U0(JOAN|MARIA|NIKOS|MONTSE)/,
    );
    await page.getByTestId('channel-general').click();
    await channel.getByTestId('message').filter({ hasText: 'Umbrella ·' }).waitFor();
    expect(await channel.textContent()).not.toContain('Pearfield');
    expect(problems).toEqual([]);
  }, 60_000);
});
