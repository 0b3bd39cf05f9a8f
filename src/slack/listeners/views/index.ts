import type { App } from '@slack/bolt';
import { VIEW } from '../../ids.js';
import { byIdOf } from '../byId.js';
import type { ListenerDeps } from '../deps.js';
import { addChangeView } from './addChange.js';
import { cancelMeetingView } from './cancelMeeting.js';
import { closeView } from './close.js';
import { compensationView } from './compensation.js';
import { draftView } from './draft.js';
import { dropChangeView } from './dropChange.js';
import { followUpView } from './followUp.js';
import { meetingView } from './meeting.js';
import { moveView } from './move.js';
import { openView } from './open.js';
import { outlineView } from './outline.js';
import { ownerView } from './owner.js';
import { severityView } from './severity.js';
import { skipView } from './skip.js';
import type { ViewArgs } from './submission.js';

/** Every form's submission: one listener for Bolt, dispatched by callback_id (see byId). */
export function registerViews(app: App, deps: ListenerDeps): void {
  const forms = byIdOf<ViewArgs>('view', (a) => a.view.callback_id, deps.log);
  forms.on(VIEW.open, openView(deps));
  forms.on(VIEW.outline, outlineView(deps));
  forms.on(VIEW.meeting, meetingView(deps));
  forms.on(VIEW.owner, ownerView(deps));
  forms.on(VIEW.severity, severityView(deps));
  forms.on(VIEW.cancelMeeting, cancelMeetingView(deps));
  forms.on(VIEW.skip, skipView(deps));
  forms.on(VIEW.compensation, compensationView(deps));
  forms.on(VIEW.move, moveView(deps));
  forms.on(VIEW.draft, draftView(deps));
  forms.on(VIEW.addChange, addChangeView(deps));
  forms.on(VIEW.dropChange, dropChangeView(deps));
  forms.on(VIEW.followUp, followUpView(deps));
  forms.on(VIEW.close, closeView(deps));
  app.view({ type: 'view_submission' }, forms.dispatch);
}
