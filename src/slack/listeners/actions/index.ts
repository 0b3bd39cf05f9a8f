import type { App } from '@slack/bolt';
import { ACTION, INPUT } from '../../ids.js';
import { byIdOf } from '../byId.js';
import type { ListenerDeps } from '../deps.js';
import { addChangeAction } from './addChange.js';
import { answerAction } from './answer.js';
import { caseMenuAction } from './caseMenu.js';
import { changeDoneAction } from './changeDone.js';
import { changeDropAction } from './changeDrop.js';
import type { ActionArgs } from './click.js';
import { clientPickAction } from './clientPick.js';
import { closeAction } from './close.js';
import { compensationAction } from './compensation.js';
import { doneAction } from './done.js';
import { draftAction } from './draft.js';
import { draftSentAction } from './draftSent.js';
import { followUpAction } from './followUp.js';
import { languageAction } from './language.js';
import { meetingAction } from './meeting.js';
import { moreFollowUpsAction } from './moreFollowUps.js';
import { moveCaseAction } from './moveCase.js';
import { moveMeetingAction } from './moveMeeting.js';
import { newCaseAction } from './newCase.js';
import { outlineAction } from './outline.js';
import { skipAction } from './skip.js';
import { snoozeAction } from './snooze.js';
import { undoAction } from './undo.js';

/** Every button and menu: one listener for Bolt, dispatched by action_id (see byId). */
export function registerActions(app: App, deps: ListenerDeps): void {
  const buttons = byIdOf<ActionArgs>('action', (a) => a.action.action_id, deps.log);
  // On a step of the case message.
  buttons.on(ACTION.done, doneAction(deps));
  buttons.on(ACTION.snooze, snoozeAction(deps));
  buttons.on(ACTION.skip, skipAction(deps));
  buttons.on(ACTION.outline, outlineAction(deps));
  buttons.on(ACTION.meeting, meetingAction(deps));
  buttons.on(ACTION.moveMeeting, moveMeetingAction(deps, 'meeting'));
  buttons.on(ACTION.moveFixMeeting, moveMeetingAction(deps, 'fix_meeting'));
  buttons.on(ACTION.compensation, compensationAction(deps));
  buttons.on(ACTION.followUp, followUpAction(deps));
  buttons.on(ACTION.accepted, answerAction(deps, 'accepted'));
  buttons.on(ACTION.refused, answerAction(deps, 'refused'));
  buttons.on(ACTION.moreFollowUps, moreFollowUpsAction(deps));
  // Corrective changes: add (a form), done (a click), drop (a form asking why).
  buttons.on(ACTION.addChange, addChangeAction(deps));
  buttons.on(ACTION.changeDone, changeDoneAction(deps));
  buttons.on(ACTION.changeDrop, changeDropAction(deps));
  // The message to the client.
  buttons.on(ACTION.draft, draftAction(deps));
  buttons.on(ACTION.draftSent, draftSentAction(deps));
  // On a thread line, and the case message's menu.
  buttons.on(ACTION.undo, undoAction(deps));
  buttons.on(ACTION.caseMenu, caseMenuAction(deps));
  buttons.on(ACTION.moveCase, moveCaseAction(deps));
  buttons.on(ACTION.close, closeAction(deps));
  // App Home, and the new-case form.
  buttons.on(ACTION.newCase, newCaseAction(deps));
  buttons.on(ACTION.language, languageAction(deps));
  buttons.on(INPUT.clientPick, clientPickAction(deps));
  app.action({ type: 'block_actions' }, buttons.dispatch);
}
