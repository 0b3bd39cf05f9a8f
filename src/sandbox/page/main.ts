/**
 * The sandbox page's script: a Slack-like client for the sandbox server, built by esbuild into one
 * file the server sends as /sandbox.js (src/sandbox/page.ts). No framework: the DOM, by hand.
 */
import { wireControls } from './controls.js';
import { openThread, render } from './render.js';
import { page } from './state.js';
import { connect } from './stream.js';
import { renderClock } from './workspaces.js';

page.render = render;
page.openThread = openThread;
wireControls();
setInterval(renderClock, 15000);
connect();
