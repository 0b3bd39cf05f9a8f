import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { SHORTCUT } from '../src/slack/ids.js';
import { BOT_SCOPES } from '../src/slack/scopes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Slack's published schema (slackapi/manifest-schema, draft-07, MIT). The shared checkout is
// not present in a fresh clone (CI), so tests load the copy committed under test/fixtures and,
// when the shared original is around, check that the copy has not drifted from it.
const sharedSchemaPath = path.resolve(
  repoRoot,
  '../shared/slack-manifest-schema/manifest.schema.1.0.0.json',
);
const schemaPath = path.resolve(repoRoot, 'test/fixtures/slack-manifest.schema.json');
const sharedFixturesDir = path.resolve(repoRoot, '../shared/slack-fixtures');
const fixturesDir = path.resolve(repoRoot, 'test/fixtures/slack');
const manifestPath = path.resolve(repoRoot, 'manifest.yml');

const EXPECTED_BOT_EVENTS = [
  'app_home_opened',
  'app_uninstalled',
  'tokens_revoked',
  'member_joined_channel',
  'channel_shared',
];
const REQUEST_URL = 'https://example.com/slack/events';

interface SlashCommand {
  command: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
  url?: string;
}

interface Manifest {
  display_information: { name: string; description?: string };
  features?: {
    bot_user?: { display_name: string; always_online?: boolean };
    app_home?: {
      home_tab_enabled?: boolean;
      messages_tab_enabled?: boolean;
      messages_tab_read_only_enabled?: boolean;
    };
    slash_commands?: SlashCommand[];
    shortcuts?: {
      name: string;
      type: 'message' | 'global';
      callback_id: string;
      description: string;
    }[];
  };
  oauth_config?: { scopes?: { bot?: string[]; user?: string[] } };
  settings?: {
    interactivity?: { is_enabled: boolean; request_url?: string };
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    org_deploy_enabled?: boolean;
    socket_mode_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

function loadManifest(): Manifest {
  const doc = parseDocument(readFileSync(manifestPath, 'utf8'));
  if (doc.errors.length > 0 || doc.warnings.length > 0) {
    throw new Error(
      `manifest.yml does not parse cleanly:\n${[...doc.errors, ...doc.warnings]
        .map((e) => e.message)
        .join('\n')}`,
    );
  }
  return doc.toJS() as Manifest;
}

function compileSchema(): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The schema declares draft-07, which is default Ajv's dialect. It uses non-standard keywords
  // (`regex`, `_note`), hence strict: false; its only `format` is `uri` on `$schema`, which we
  // do not need checked, hence validateFormats: false (no ajv-formats dependency).
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(schema);
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}

describe('manifest.yml', () => {
  const validate = compileSchema();
  const manifest = loadManifest();

  it("validates against Slack's manifest schema", () => {
    const ok = validate(manifest);
    if (!ok) {
      console.error(`manifest.yml schema errors:\n${formatErrors(validate.errors)}`);
    }
    expect(formatErrors(validate.errors)).toBe('');
    expect(ok).toBe(true);
  });

  it('uses the committed schema copy, which matches the shared original when present', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(existsSync(path.resolve(repoRoot, 'test/fixtures/slack-manifest.schema.LICENSE'))).toBe(
      true,
    );
    if (existsSync(sharedSchemaPath)) {
      expect(readFileSync(schemaPath, 'utf8')).toBe(readFileSync(sharedSchemaPath, 'utf8'));
    }
  });

  it('describes the Amends app', () => {
    expect(manifest.display_information.name).toBe('Amends');
    expect(manifest.display_information.description).toMatch(/winning a client back/);
    expect(manifest.features?.bot_user).toEqual({ display_name: 'Amends', always_online: true });
    expect(manifest.features?.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: true,
    });
  });

  it('declares the /incident slash command', () => {
    const commands = manifest.features?.slash_commands ?? [];
    expect(commands).toHaveLength(1);
    const incident = commands.find((c) => c.command === '/incident');
    expect(incident).toEqual({
      command: '/incident',
      description: 'Open and manage client recovery cases',
      usage_hint: '[client: what happened] | list | help',
      should_escape: false,
      url: REQUEST_URL,
    });
  });

  it('declares both shortcuts (message, global) with the callback_ids the app listens to', () => {
    const shortcuts = manifest.features?.shortcuts ?? [];
    expect(shortcuts.map((x) => [x.type, x.callback_id])).toEqual([
      ['message', SHORTCUT.fromMessage],
      ['global', SHORTCUT.open],
    ]);
    for (const x of shortcuts) {
      expect(x.name).toBe('Open a recovery case');
      expect(x.description).toMatch(/recovery case/);
    }
    // Shortcuts reach the app through interactivity.
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
  });

  it('requests exactly the bot scopes Amends asks for at install (BOT_SCOPES), each explained', () => {
    // The schema accepts any string as a scope name: the list is pinned to the one the code
    // requests (src/slack/scopes.ts), and each scope says in a comment what it is needed for.
    expect(manifest.oauth_config?.scopes?.bot).toEqual([...BOT_SCOPES]);
    const lines = readFileSync(manifestPath, 'utf8').split('\n');
    for (const scope of BOT_SCOPES) {
      const at = lines.findIndex((l) => l.trim() === `- ${scope}`);
      expect(lines[at - 1]?.trim(), scope).toMatch(/^# \S/);
    }
  });

  it('requests no user scopes', () => {
    expect(manifest.oauth_config?.scopes?.user).toBeUndefined();
  });

  it('enables Socket Mode', () => {
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
  });

  it('enables interactivity', () => {
    expect(manifest.settings?.interactivity).toEqual({
      is_enabled: true,
      request_url: REQUEST_URL,
    });
  });

  it('subscribes to the expected bot events', () => {
    expect(manifest.settings?.event_subscriptions?.request_url).toBe(REQUEST_URL);
    expect(manifest.settings?.event_subscriptions?.bot_events).toEqual(EXPECTED_BOT_EVENTS);
  });

  it('leaves org-wide deploy, token rotation off', () => {
    expect(manifest.settings?.org_deploy_enabled).toBe(false);
    expect(manifest.settings?.token_rotation_enabled).toBe(false);
  });

  describe('the validator really validates (negative cases)', () => {
    const mutate = (fn: (m: Manifest) => void): unknown => {
      const copy = structuredClone(manifest);
      fn(copy);
      return copy;
    };

    it('rejects a manifest without display_information.name', () => {
      const bad = mutate((m) => {
        delete (m.display_information as { name?: string }).name;
      });
      expect(validate(bad)).toBe(false);
      expect(validate.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            instancePath: '/display_information',
            keyword: 'required',
            params: { missingProperty: 'name' },
          }),
        ]),
      );
    });

    it('rejects a scope of the wrong type', () => {
      const bad = mutate((m) => {
        const bot = m.oauth_config?.scopes?.bot as unknown[] | undefined;
        bot?.push(42);
      });
      expect(validate(bad)).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({
        instancePath: `/oauth_config/scopes/bot/${BOT_SCOPES.length}`,
        keyword: 'type',
      });
    });

    it('rejects scopes given as a string instead of a list', () => {
      const bad = mutate((m) => {
        (m.oauth_config as { scopes: unknown }).scopes = { bot: 'commands,chat:write' };
      });
      expect(validate(bad)).toBe(false);
    });

    it('rejects a misspelt settings key (additionalProperties: false)', () => {
      const bad = mutate((m) => {
        (m.settings as Record<string, unknown>).socket_mode = true;
      });
      expect(validate(bad)).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({
        instancePath: '/settings',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'socket_mode' },
      });
    });

    it('rejects a slash command without a leading slash', () => {
      const bad = mutate((m) => {
        const first = m.features?.slash_commands?.[0];
        if (first) first.command = 'incident';
      });
      expect(validate(bad)).toBe(false);
    });
  });
});

describe('Slack request fixtures', () => {
  it('are committed under test/fixtures/slack', () => {
    const committed = readdirSync(fixturesDir).sort();
    expect(committed).toContain('README.md');
    expect(committed.length).toBeGreaterThan(1);
  });

  it('match the shared originals when present', () => {
    const committed = readdirSync(fixturesDir).sort();
    if (existsSync(sharedFixturesDir)) {
      for (const name of readdirSync(sharedFixturesDir)) {
        expect(committed).toContain(name);
        expect(readFileSync(path.join(fixturesDir, name))).toEqual(
          readFileSync(path.join(sharedFixturesDir, name)),
        );
      }
    }
  });
});

describe('manifest.oauth.yml (installs in many workspaces)', () => {
  const validate = compileSchema();
  const read = (file: string) =>
    parseDocument(readFileSync(path.resolve(repoRoot, file), 'utf8')).toJS() as Manifest & {
      oauth_config?: { redirect_urls?: string[] };
    };
  const oauth = read('manifest.oauth.yml');
  const single = read('manifest.yml');

  it("validates against Slack's manifest schema", () => {
    validate(oauth);
    expect(formatErrors(validate.errors)).toBe('');
  });

  it('is the same app as manifest.yml but for HTTP, the install redirect, token rotation', () => {
    expect(oauth.settings?.socket_mode_enabled).toBe(false);
    expect(oauth.settings?.token_rotation_enabled).toBe(true);
    expect(oauth.oauth_config?.redirect_urls).toEqual(['https://example.com/slack/oauth_redirect']);
    const { redirect_urls: _, ...oauthConfig } = oauth.oauth_config ?? {};
    expect({
      ...oauth,
      oauth_config: oauthConfig,
      settings: { ...oauth.settings, socket_mode_enabled: true, token_rotation_enabled: false },
    }).toEqual(single);
  });

  it('asks for the scopes Amends requests when it is installed (BOT_SCOPES)', () => {
    expect(oauth.oauth_config?.scopes?.bot).toEqual([...BOT_SCOPES]);
    expect(single.oauth_config?.scopes?.bot).toEqual([...BOT_SCOPES]);
  });
});
