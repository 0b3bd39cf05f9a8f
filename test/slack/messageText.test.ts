import { describe, expect, it } from 'vitest';
import {
  clipPlain,
  mentionedUsers,
  messageText,
  readableText,
} from '../../src/slack/messageText.js';

const names: Record<string, string> = { U0NIKOS01: 'Nikos Pappas' };
const read = (s: string) => readableText(s, (id) => names[id] ?? null);

describe('a Slack message as a person reads it', () => {
  it('people by name (or their id when Slack has not said), with a legacy label winning', () => {
    expect(read('<@U0NIKOS01> and <@U0GONE001> and <@W0OLD|olga>')).toBe(
      '@Nikos Pappas and @U0GONE001 and @olga',
    );
    expect(mentionedUsers('<@U0NIKOS01> <@U0NIKOS01> <@W0OLD|olga> <@U0GONE001>')).toEqual([
      'U0NIKOS01',
      'U0GONE001',
    ]);
  });

  it('channels, broadcasts, user groups, dates read as they show', () => {
    expect(read('<#C0ORDERS|orders> <#C0NONAME> <!here> <!channel> <!everyone>')).toBe(
      '#orders #C0NONAME @here @channel @everyone',
    );
    expect(
      read('<!subteam^S0SUPPORT|@support> <!subteam^S0X> <!date^1392734382^{date}|Feb 18th>'),
    ).toBe('@support @S0X Feb 18th');
  });

  it('a labelled link reads as its label, then its address', () => {
    expect(read('<https://example.com/o/42|order 42>')).toBe('order 42 (https://example.com/o/42)');
  });

  it('a bare link reads as its address', () => {
    expect(read('<https://example.com>')).toBe('https://example.com');
  });

  it('a mail address reads as the address', () => {
    expect(read('<mailto:a@b.it|a@b.it>')).toBe('a@b.it');
  });

  it('links in a row keep their spacing', () => {
    expect(
      read('<https://example.com/o/42|order 42> <https://example.com> <mailto:a@b.it|a@b.it>'),
    ).toBe('order 42 (https://example.com/o/42) https://example.com a@b.it');
  });

  it('entities decoded after the tokens: what the person typed as <…> stays text', () => {
    expect(read('a &lt;@U0NIKOS01&gt; b &amp;amp; &lt;c&gt;')).toBe('a <@U0NIKOS01> b &amp; <c>');
  });

  it('a message without text reads from its attachments, or is empty (only files)', () => {
    expect(messageText({ text: 'hello' })).toBe('hello');
    expect(
      messageText({
        text: '',
        attachments: [{ text: 'forwarded words' }, { fallback: 'a bot said' }, {}],
      }),
    ).toBe('forwarded words\n\na bot said');
    expect(messageText({ text: '', files: [{ id: 'F1' }] } as { text: string })).toBe('');
    expect(messageText({})).toBe('');
  });

  it('clipped between characters, never through an emoji, with an ellipsis', () => {
    expect(clipPlain('short', 10)).toBe('short');
    expect(clipPlain('abcdefghij', 10)).toBe('abcdefghij');
    expect(clipPlain('abcdefghijk', 10)).toBe('abcdefghi…');
    const cut = clipPlain(`${'x'.repeat(8)}😀yz`, 10);
    expect(cut).toBe(`${'x'.repeat(8)}…`);
    expect(cut.length).toBeLessThanOrEqual(10);
  });
});
