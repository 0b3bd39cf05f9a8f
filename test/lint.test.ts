import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const biome = path.resolve(repoRoot, 'node_modules/@biomejs/biome/bin/biome');

// Imports point one way: domain ← services ← adapters (store, slack, scheduler) ← main.
// Each file below is linted with the project's biome.json, in a scratch copy of the layout.
const BAD: Record<string, string> = {
  'src/services/usesStore.ts': `import type { CaseRepo } from '../store/caseRepo.js';\nexport type A = CaseRepo;\n`,
  'src/services/usesSqlite.ts': `import Database from 'better-sqlite3';\nexport const a = Database;\n`,
  'src/slack/listeners/commands/usesStore.ts': `import type { WorkspaceRepo } from '../../../store/workspaceRepo.js';\nexport type A = WorkspaceRepo;\n`,
  'src/domain/usesServices.ts': `import type { CaseService } from '../services/cases.js';\nexport type A = CaseService;\n`,
  'src/domain/usesCron.ts': `import cron from 'node-cron';\nexport const a = cron;\n`,
  'src/store/usesSlack.ts': `import { ACTION } from '../slack/ids.js';\nexport const a = ACTION;\n`,
};
const GOOD: Record<string, string> = {
  'src/services/usesPorts.ts': `import { isOpen } from '../domain/recoveryCase.js';\nimport type { CaseStore } from './ports.js';\nexport type A = CaseStore;\nexport const b = isOpen;\n`,
  'src/store/implementsPorts.ts': `import type { CaseStore } from '../services/ports.js';\nexport type A = CaseStore;\n`,
  'src/slack/listeners/usesService.ts': `import type { WorkspaceService } from '../../services/workspaces.js';\nexport type A = WorkspaceService;\n`,
  'src/domain/usesI18n.ts': `import { t } from '../i18n/index.js';\nexport const a = t;\n`,
};

const RULE = 'lint/style/noRestrictedImports';

describe('the import direction (biome.json noRestrictedImports)', () => {
  let dir: string;
  let result: { status: number | null; output: string };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'amends-lint-'));
    const config = JSON.parse(readFileSync(path.join(repoRoot, 'biome.json'), 'utf8'));
    delete config.$schema;
    writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
    for (const [file, text] of Object.entries({ ...BAD, ...GOOD })) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const run = spawnSync(process.execPath, [biome, 'lint', '--reporter=concise', 'src'], {
      cwd: dir,
      encoding: 'utf8',
    });
    result = { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The files with a diagnostic of `rule` (any rule when omitted), from the concise report. */
  const flagged = (rule = '') =>
    result.output
      .split('\n')
      .filter((l) => l.includes(`: ${rule}`))
      .map((l) => /(src\/[^:\s]+):\d+:\d+/.exec(l)?.[1])
      .filter((f) => f !== undefined);

  it('fails the lint when an inner layer imports an outer one', () => {
    expect(result.status, result.output).not.toBe(0);
    expect(new Set(flagged(RULE))).toEqual(new Set(Object.keys(BAD)));
  });

  it('lets imports that point inwards through', () => {
    for (const file of Object.keys(GOOD)) expect(flagged(), result.output).not.toContain(file);
  });
});
