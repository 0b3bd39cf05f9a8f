/**
 * What the sandbox server sends the page (the event stream's snapshot and events, the answers of
 * /api/*): Slack's shapes as far as the page reads them. Fields the page never reads are left out.
 */

export interface User {
  id: string;
  name: string;
  tz: string;
  locale: string;
  /** The city the page names, when the zone is named after another one. */
  city?: string;
}

/**
 * Slack Connect, as the fake Slack states it (its ChannelSharing): 'ext' shared with another
 * organisation, 'pending' invited, 'org' shared inside the organisation, 'none'.
 */
export type Sharing = 'ext' | 'pending' | 'org' | 'none';

export interface Channel {
  id: string;
  name: string;
  shared?: Sharing;
}

export interface Team {
  id: string;
  name: string;
}

export interface Workspace {
  team: Team;
  installed: boolean;
  users: User[];
  channels: Channel[];
}

export interface TextObject {
  type?: string;
  text?: string;
  emoji?: boolean;
}

export interface Option {
  text: TextObject;
  value: string;
}

export interface Confirm {
  title?: TextObject;
  text?: TextObject;
  confirm?: TextObject;
  deny?: TextObject;
  style?: string;
}

/** An interactive element: a section's accessory, an actions block's element, an input's. */
export interface BlockElement {
  type: string;
  action_id?: string;
  text?: TextObject;
  style?: string;
  url?: string;
  value?: string;
  confirm?: Confirm;
  options?: Option[];
  option_groups?: { options?: Option[] }[];
  placeholder?: TextObject;
  filter?: { exclude_external_shared_channels?: boolean };
  initial_value?: string;
  initial_date?: string;
  initial_time?: string;
  initial_user?: string;
  initial_conversation?: string;
  initial_option?: Option;
  multiline?: boolean;
  max_length?: number;
  min_length?: number;
}

/** A context block's element: a text object, or an image (drawn as its alt text). */
export interface ContextElement extends TextObject {
  alt_text?: string;
}

interface BlockBase {
  block_id?: string;
}
export interface HeaderBlock extends BlockBase {
  type: 'header';
  text?: TextObject;
}
export interface SectionBlock extends BlockBase {
  type: 'section';
  text?: TextObject;
  fields?: TextObject[];
  accessory?: BlockElement;
}
export interface ContextBlock extends BlockBase {
  type: 'context';
  elements?: ContextElement[];
}
export interface DividerBlock extends BlockBase {
  type: 'divider';
}
export interface ActionsBlock extends BlockBase {
  type: 'actions';
  elements?: BlockElement[];
}
export interface InputBlock extends BlockBase {
  type: 'input';
  label?: TextObject;
  hint?: TextObject;
  optional?: boolean;
  element?: BlockElement;
}
export interface ImageBlock extends BlockBase {
  type: 'image';
  alt_text?: string;
}
/** The blocks the page draws; any other type shows as its name. */
export type Block =
  | HeaderBlock
  | SectionBlock
  | ContextBlock
  | DividerBlock
  | ActionsBlock
  | InputBlock
  | ImageBlock;

export interface SlackFile {
  id: string;
  name?: string;
  title?: string;
  filetype?: string;
  pretty_type?: string;
  size?: number;
}

/** A message in a channel or a DM, as the fake Slack stores it. */
export interface Message {
  channel: string;
  ts: string;
  user: string;
  text?: string;
  blocks?: Block[];
  files?: SlackFile[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  reply_count?: number;
  latest_reply?: string;
  edited?: unknown;
}

/** Seen by one user only: the bot's (with an `id` to name it in a click) or the page's own note. */
export interface Ephemeral {
  channel: string | null;
  ts: string;
  user: string | null;
  text?: string;
  blocks?: Block[];
  thread_ts?: string;
  id?: string;
  /** Written by the page itself (Slackbot's "not a command" answers), never sent anywhere. */
  local?: boolean;
}

/** A modal or App Home view. */
export interface View {
  id: string;
  callback_id?: string;
  title?: TextObject;
  submit?: TextObject;
  close?: TextObject;
  blocks?: Block[];
}

export interface Snapshot {
  team: Team;
  bot: { id: string; name: string };
  users: User[];
  channels: Channel[];
  workspaces?: Workspace[];
  now: string;
  messages: Message[];
  ephemerals: Ephemeral[];
  homes?: Record<string, View>;
}

/** What an input block's element holds, as Slack's view_submission states it. */
export interface InputValue {
  type: string;
  value?: string | null;
  selected_option?: Option | null;
  selected_options?: Option[];
  selected_user?: string | null;
  selected_conversation?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
}

/** Values by block id, then action id. */
export type FormValues = Record<string, Record<string, InputValue>>;

/** A modal's input: its block, its action id, and what it holds now. */
export interface Field {
  block: InputBlock;
  action: string;
  get: () => InputValue;
  el: BlockElement;
}
/** A modal's inputs: `field` draws an input block (renderBlocks calls it), `fields` reads them. */
export interface Form {
  fields: Field[];
  field: (b: InputBlock) => HTMLElement;
}
