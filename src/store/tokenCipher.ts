import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals what must not be readable at rest (a workspace's Slack tokens) with AES-256-GCM: a fresh
 * 12-byte nonce per value, the 16-byte tag checked on opening. The first key seals; every key
 * given opens, so a key change is: put the new key first and the old one after it, restart, let
 * `rewrap` (or the next save) seal everything with the new one, then drop the old key.
 *
 * A sealed value reads `a1.<key id>.<nonce>.<tag>.<ciphertext>` (base64url): the key id is the
 * first 8 hex digits of the key's SHA-256, so a value names the key that opens it without
 * revealing it.
 */
export class TokenCipher {
  readonly #keys: readonly { readonly id: string; readonly key: Buffer }[];

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('an encryption key is required');
    const seen = new Set<string>();
    this.#keys = keys.map((key) => {
      if (key.length !== 32) throw new Error('an encryption key is 32 bytes');
      const id = createHash('sha256').update(key).digest('hex').slice(0, 8);
      if (seen.has(id)) throw new Error('the same encryption key is given twice');
      seen.add(id);
      return { id, key };
    });
  }

  /** The id of the key that seals (a log may name it; it reveals nothing of the key). */
  get keyId(): string {
    return (this.#keys[0] as { id: string }).id;
  }

  seal(plain: string): string {
    const { id, key } = this.#keys[0] as { id: string; key: Buffer };
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'a1',
      id,
      nonce.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'a1') throw new Error('not a sealed value');
    const [, id, nonce, tag, body] = parts as [string, string, string, string, string];
    const k = this.#keys.find((x) => x.id === id);
    if (!k) throw new Error(`sealed with key ${id}, which is not among the keys given`);
    const decipher = createDecipheriv('aes-256-gcm', k.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // GCM's tag did not match: the value was altered, or sealed by another key with this id.
      throw new Error(`a sealed value did not open with key ${id}: it was altered`);
    }
  }

  /** Whether `sealed` was sealed by an older key (then `rewrap` seals it with the first). */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.keyId;
  }
}

/**
 * The keys from a setting: one or more keys separated by commas or whitespace (the first seals),
 * each 32 bytes written as 64 hex digits or as base64. `openssl rand -base64 32` makes one.
 */
export function parseKeys(text: string): Buffer[] {
  const words = text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 0) throw new Error('no encryption key given');
  return words.map((w, i) => {
    const key = /^[0-9a-fA-F]{64}$/.test(w)
      ? Buffer.from(w, 'hex')
      : /^[A-Za-z0-9+/_-]+={0,2}$/.test(w)
        ? Buffer.from(w, 'base64')
        : null;
    if (key?.length !== 32)
      throw new Error(
        `encryption key ${i + 1} is not 32 bytes as 64 hex digits or base64 (make one with: openssl rand -base64 32)`,
      );
    return key;
  });
}
