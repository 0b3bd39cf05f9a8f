import type {
  InstallationQuery,
  InstallationRecord,
  InstallationStore,
} from '../services/ports.js';
import type { Conn } from './sql.js';
import type { TokenCipher } from './tokenCipher.js';

/** The workspace's latest installation is the row of this user id (a Slack user id is never empty). */
const LATEST = '';

const UPSERT = `INSERT INTO installations
    (scope, user_id, enterprise_id, team_id, is_enterprise_install, sealed, installed_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (scope, user_id) DO UPDATE SET
    enterprise_id = excluded.enterprise_id, team_id = excluded.team_id,
    is_enterprise_install = excluded.is_enterprise_install, sealed = excluded.sealed,
    updated_at = excluded.updated_at`;
const FIND = 'SELECT user_id, sealed FROM installations WHERE scope = ? AND user_id IN (?, ?)';
const DELETE_ALL = 'DELETE FROM installations WHERE scope = ?';
const DELETE_USER = 'DELETE FROM installations WHERE scope = ? AND user_id = ?';
const SEEN_IN_ORG = `INSERT INTO org_workspaces (team_id, enterprise_id, seen_at) VALUES (?, ?, ?)
  ON CONFLICT (team_id) DO UPDATE SET enterprise_id = excluded.enterprise_id, seen_at = excluded.seen_at`;
const ORG_OF = 'SELECT enterprise_id FROM org_workspaces WHERE team_id = ?';
const TEAMS_OF = 'SELECT team_id FROM org_workspaces WHERE enterprise_id = ? ORDER BY team_id';
const INSTALLED = `SELECT enterprise_id, team_id, is_enterprise_install FROM installations
  WHERE user_id = '' ORDER BY scope`;

/**
 * A workspace's installation is found by its team id alone (a team id is unique across Slack, and
 * a workspace that joins an org keeps it); an org-wide one by its enterprise id.
 */
function scopeOf(q: {
  readonly enterpriseId?: string | null;
  readonly teamId?: string | null;
  readonly isEnterpriseInstall: boolean;
}): string {
  if (q.isEnterpriseInstall) {
    if (!q.enterpriseId) throw new Error('an org-wide installation is found by its enterprise id');
    return `E:${q.enterpriseId}`;
  }
  if (!q.teamId) throw new Error('a workspace installation is found by its team id');
  return `T:${q.teamId}`;
}

/** Slack's installations, each sealed whole (its tokens inside) with the cipher's first key. */
export class InstallationRepo implements InstallationStore {
  constructor(
    readonly conn: Conn,
    private readonly cipher: TokenCipher,
  ) {}

  async save(rec: InstallationRecord, at: number): Promise<void> {
    const scope = scopeOf(rec);
    if (!rec.userId) throw new Error('an installation names who installed it');
    const sealed = this.cipher.seal(JSON.stringify(rec.installation));
    const row = (user: string) => [
      scope,
      user,
      rec.enterpriseId ?? null,
      rec.isEnterpriseInstall ? null : (rec.teamId ?? null),
      rec.isEnterpriseInstall ? 1 : 0,
      sealed,
      at,
      at,
    ];
    // The latest and the installer's own together: a reader never sees one without the other.
    await this.conn.transaction(async (c) => {
      await c.run(UPSERT, row(LATEST));
      await c.run(UPSERT, row(rec.userId));
    });
  }

  async find(q: InstallationQuery): Promise<{ latest: unknown; user: unknown | null } | null> {
    const rows = await this.conn.all<{ user_id: string; sealed: string }>(FIND, [
      scopeOf(q),
      LATEST,
      q.userId || LATEST,
    ]);
    const latest = rows.find((r) => r.user_id === LATEST);
    if (!latest) return null;
    const own = q.userId ? rows.find((r) => r.user_id === q.userId) : undefined;
    return {
      latest: JSON.parse(this.cipher.open(latest.sealed)),
      user: own ? JSON.parse(this.cipher.open(own.sealed)) : null,
    };
  }

  async delete(q: InstallationQuery): Promise<number> {
    const scope = scopeOf(q);
    return q.userId
      ? await this.conn.run(DELETE_USER, [scope, q.userId])
      : await this.conn.run(DELETE_ALL, [scope]);
  }

  async seenInOrg(teamId: string, enterpriseId: string, at: number): Promise<void> {
    await this.conn.run(SEEN_IN_ORG, [teamId, enterpriseId, at], { light: true });
  }

  async orgOf(teamId: string): Promise<string | null> {
    return (
      (await this.conn.get<{ enterprise_id: string }>(ORG_OF, [teamId]))?.enterprise_id ?? null
    );
  }

  async teamsOf(enterpriseId: string): Promise<string[]> {
    return (await this.conn.all<{ team_id: string }>(TEAMS_OF, [enterpriseId])).map(
      (r) => r.team_id,
    );
  }

  async installed(): Promise<
    { enterpriseId: string | null; teamId: string | null; isEnterpriseInstall: boolean }[]
  > {
    const rows = await this.conn.all<{
      enterprise_id: string | null;
      team_id: string | null;
      is_enterprise_install: number;
    }>(INSTALLED);
    return rows.map((r) => ({
      enterpriseId: r.enterprise_id,
      teamId: r.team_id,
      isEnterpriseInstall: Number(r.is_enterprise_install) === 1,
    }));
  }

  /** How many installations are stored, and how many of them an older key sealed. */
  async keyUse(): Promise<{ rows: number; stale: number }> {
    const rows = await this.conn.all<{ sealed: string }>('SELECT sealed FROM installations');
    return { rows: rows.length, stale: rows.filter((r) => this.cipher.isStale(r.sealed)).length };
  }

  /** Seals again with the first key every row an older key sealed; how many. */
  async rewrap(): Promise<number> {
    const rows = await this.conn.all<{ scope: string; user_id: string; sealed: string }>(
      'SELECT scope, user_id, sealed FROM installations',
    );
    let n = 0;
    for (const r of rows) {
      if (!this.cipher.isStale(r.sealed)) continue;
      const sealed = this.cipher.seal(this.cipher.open(r.sealed));
      const done = await this.conn.run(
        'UPDATE installations SET sealed = ? WHERE scope = ? AND user_id = ? AND sealed = ?',
        [sealed, r.scope, r.user_id, r.sealed],
      );
      n += done;
    }
    return n;
  }
}
