import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import { t } from '../../src/i18n/index.js';
import { CHANNEL_SHARED, type Published } from '../../src/services/presenter.js';
import { notShown } from '../../src/slack/errors.js';
import { ACTION } from '../../src/slack/ids.js';
import { toldAfterPublish } from '../../src/slack/listeners/tell.js';
import { openInput } from '../helpers/builders.js';

const cat = t('en');
const c = {
  ...openCase(openInput(), DEFAULT_PLAYBOOK, new Date('2026-11-23T09:00:00Z')).case,
  id: 7,
};
const OWNER = c.ownerId;
const OTHER = 'U0OTHER01';
const shared: Published = { ok: false, code: CHANNEL_SHARED };

describe('toldAfterPublish: what a person who opened or moved a case is told', () => {
  it('says nothing when an opened case is in its channel', () => {
    const said = toldAfterPublish(
      { ok: true, case: c },
      { case: c, user: OWNER, cat, did: 'opened', where: 'dm' },
    );
    expect(said).toBeNull();
  });

  it('names the channel an opened case was posted in instead of its own', () => {
    const elsewhere = { ...c, channelId: 'C0RECOVER' };
    const said = toldAfterPublish(
      { ok: true, case: elsewhere, movedFrom: c.channelId },
      { case: c, user: OWNER, cat, did: 'opened', where: 'here' },
    );
    expect(said).toEqual({ text: cat.shared.movedTo('<#C0RECOVER>') });
  });

  it('says nothing about where a moved case went when it was posted', () => {
    const said = toldAfterPublish(
      { ok: true, case: c, movedFrom: 'C0BEFORE1' },
      { case: c, user: OTHER, cat, did: 'moved', where: 'dm' },
    );
    expect(said).toBeNull();
  });

  it('leaves the owner to the presenter’s direct message when the channel is shared', () => {
    const said = toldAfterPublish(shared, {
      case: c,
      user: OWNER,
      cat,
      did: 'opened',
      where: 'dm',
    });
    expect(said).toBeNull();
  });

  it('answers the owner where they are, with the move button, when the channel is shared', () => {
    const said = toldAfterPublish(shared, {
      case: c,
      user: OWNER,
      cat,
      did: 'opened',
      where: 'here',
    });
    expect(said?.text).toBe(cat.shared.notPosted);
    expect(JSON.stringify(said?.blocks)).toContain(ACTION.moveCase);
  });

  it('tells a creator who is not the owner by direct message, with the move button', () => {
    const said = toldAfterPublish(shared, {
      case: c,
      user: OTHER,
      cat,
      did: 'opened',
      where: 'dm',
    });
    expect(said?.text).toBe(cat.shared.notPosted);
    expect(JSON.stringify(said?.blocks)).toContain(ACTION.moveCase);
  });

  it('tells someone who moved a case into a shared channel that the target is shared', () => {
    const said = toldAfterPublish(shared, {
      case: c,
      user: OTHER,
      cat,
      did: 'moved',
      where: 'dm',
    });
    expect(said).toEqual({ text: cat.shared.targetShared });
  });

  it('says why any other failure left the case out of its channel', () => {
    const said = toldAfterPublish(
      { ok: false, code: 'not_in_channel' },
      { case: c, user: OWNER, cat, did: 'moved', where: 'dm' },
    );
    expect(said).toEqual({ text: notShown('not_in_channel', cat) });
  });
});
