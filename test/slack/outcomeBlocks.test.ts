/**
 * The outcome blocks (App Home and `/incident report`): a plain-text header with no raw mention,
 * the scope as mrkdwn (where a channel mention renders), the lost and refused lists capped at ten
 * with "…and N more" counted from the store's totals.
 */
import { describe, expect, it } from 'vitest';
import {
  learnAcrossCases,
  type OutcomeCase,
  type RefusedCase,
  summarizeOutcomes,
} from '../../src/domain/outcomes.js';
import { en } from '../../src/i18n/en.js';
import { outcomeBlocks } from '../../src/slack/blocks/report.js';
import { mrkdwnTexts } from '../helpers/blockKit.js';

const NOW = new Date('2026-03-31T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const lost = (id: number): OutcomeCase => ({
  id,
  client: `Lost ${id}`,
  channelId: 'C0CARE001',
  ownerId: 'U0OWNER01',
  createdAt: day(200),
  status: 'lost',
  closedAt: day(id),
  events: [
    { at: day(id), type: 'case_closed', stepKey: null, data: { outcome: 'lost', reason: '*no*' } },
  ],
});

describe('outcomeBlocks', () => {
  const refused: RefusedCase[] = Array.from({ length: 10 }, (_, i) => ({
    id: 100 + i,
    client: `Refused ${i}`,
    channelId: 'C0CARE001',
    ownerId: 'U0OWNER02',
    refusedAt: day(i + 1),
  }));
  const cases = Array.from({ length: 12 }, (_, i) => lost(i + 1));
  const report = {
    summary: summarizeOutcomes(cases, {
      now: NOW,
      openNow: { open: 30, refused: 14, refusedCases: refused },
    }),
    learning: learnAcrossCases(cases, { now: NOW }),
  };
  const blocks = outcomeBlocks(report, en, en.report.scopeChannel('<#C0CARE001>'));
  const text = mrkdwnTexts(blocks).join('\n');

  it('keeps the header plain', () => {
    expect(blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Outcomes of the last 90 days' },
    });
    expect(JSON.stringify(blocks.filter((b) => b.type === 'header'))).not.toContain('<#');
  });

  it('puts the channel where its mention renders', () => {
    expect(text).toContain('For the cases of <#C0CARE001>:');
  });

  it('counts lost cases by their decision, open ones from the store', () => {
    expect(text).toContain(
      '*0* cases opened. Decided in these 90 days: 0 won back, 12 lost, 0 closed otherwise. Open now: 30, of which 14 refused (the team keeps trying).',
    );
  });

  it('lists ten of each, latest first, then how many more (the refused total from the count)', () => {
    const lines = text.split('\n');
    const lostLines = lines.filter((l) => l.includes('· lost:'));
    expect(lostLines).toHaveLength(10);
    expect(lostLines[0]).toMatch(
      /^• #1 \*Lost 1\*, owner <@U0OWNER01>, <#C0CARE001> · lost: <!date\^/,
    );
    // The reason is the person's words: escaped, its stars shown as typed.
    expect(lostLines[0]).toContain('· why: *\u200bno*\u200b');
    expect(lines.filter((l) => l.includes('· refused:'))).toHaveLength(10);
    expect(lines.filter((l) => l === '…and 4 more')).toHaveLength(1); // 14 refused, 10 shown
    expect(lines.filter((l) => l === '…and 2 more')).toHaveLength(1); // 12 lost, 10 shown
  });
});
