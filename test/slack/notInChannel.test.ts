/**
 * A case opened in a channel Amends is not in: stored once, the user told the truth, and posted
 * (with the reminders that waited) as soon as Amends is invited or the next command comes.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { CHANNEL, type Harness, MARIA, TEAM } from '../helpers/harness.js';
import {
  command,
  countCases,
  eventEnvelope,
  parents,
  postEvent,
  replies,
  useHarness,
} from '../helpers/slack.js';

describe('Amends is not in the channel', () => {
  const ctx = useHarness();

  /** A case opened in a channel Amends was removed from. */
  async function openedOutside(h: Harness) {
    h.fake.kickFromChannel(CHANNEL);
    expect((await command(h, 'Acme: wrong pallets')).status).toBe(200);
  }

  it('stores the case once, saying it is saved', async () => {
    const { h } = ctx;
    await openedOutside(h);
    expect(await countCases(h)).toBe(1);
    expect(h.fake.responses.map((r) => r.body.text)).toEqual([en.errors.notInChannel]);
    expect(en.errors.notInChannel).toMatch(/saved/);
    expect(parents(h)).toHaveLength(0);
  });

  it('posts the case once Amends is invited', async () => {
    const { h } = ctx;
    await openedOutside(h);
    h.fake.inviteToChannel(CHANNEL);
    const joined = eventEnvelope({
      type: 'member_joined_channel',
      user: h.fake.botUserId,
      channel: CHANNEL,
      channel_type: 'C',
      team: TEAM,
      inviter: MARIA,
    });
    expect((await postEvent(h, joined)).status).toBe(200);
    const [parent] = parents(h);
    expect(parent?.text).toBe('Recovery case for Acme (Major)');
    expect(replies(h, parent?.ts ?? '')).toHaveLength(1);
    expect((await h.amends.caseRepo.listOpen(TEAM, CHANNEL, MARIA))[0]?.messageTs).toBe(parent?.ts);
    // The same event again (Slack retries) posts nothing more.
    await postEvent(h, joined);
    expect(parents(h)).toHaveLength(1);
    expect(await countCases(h)).toBe(1);
  });

  it('a nudge that failed while Amends was out of the channel goes out once it is invited back', async () => {
    const { h } = ctx;
    await command(h, 'Acme: wrong pallets');
    const [parent] = parents(h);
    h.fake.kickFromChannel(CHANNEL);
    h.clock.set('2026-11-23T12:30:00Z'); // own-up is due
    const failed = await h.amends.reminders.tick();
    expect(failed).toMatchObject({ failed: 1 });
    h.fake.inviteToChannel(CHANNEL);
    await postEvent(
      h,
      eventEnvelope({ type: 'member_joined_channel', user: h.fake.botUserId, channel: CHANNEL }),
    );
    const again = await h.amends.reminders.tick();
    expect(again).toMatchObject({ sent: 1 });
    const nudges = replies(h, parent?.ts ?? '').filter(
      (m) => m.metadata?.event_type === 'amends_reminder',
    );
    expect(nudges).toHaveLength(1);
  });

  it('someone else joining the channel does nothing', async () => {
    const { h } = ctx;
    h.fake.kickFromChannel(CHANNEL);
    await command(h, 'Acme: wrong pallets');
    h.fake.inviteToChannel(CHANNEL);
    await postEvent(
      h,
      eventEnvelope({ type: 'member_joined_channel', user: MARIA, channel: CHANNEL, team: TEAM }),
    );
    expect(parents(h)).toHaveLength(0);
  });

  it('the next command in the channel posts the waiting case first, then its own, each once', async () => {
    const { h } = ctx;
    h.fake.kickFromChannel(CHANNEL);
    await command(h, 'Acme: wrong pallets');
    h.fake.inviteToChannel(CHANNEL);
    await command(h, 'Beta: wrong invoice');
    expect(parents(h).map((m) => m.text)).toEqual([
      'Recovery case for Acme (Major)',
      'Recovery case for Beta (Major)',
    ]);
    await command(h, 'list');
    expect(parents(h)).toHaveLength(2);
  });
});
