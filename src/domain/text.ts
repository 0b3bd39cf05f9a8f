/**
 * Text as it can be stored, encoded and sent: each lone surrogate (half of a UTF-16 pair, which a
 * JSON payload can carry as `\ud800` but which is no character) becomes one U+FFFD, as
 * `String.prototype.toWellFormed` does. Without this, one such character in a case breaks it for
 * good: `encodeURIComponent` throws on it (the draft's mailto link), and SQLite keeps it as three
 * bytes that read back as three U+FFFD.
 *
 * Walks what parsed JSON holds (strings, arrays, plain objects, their keys too) and repairs it in
 * place; anything else (a Date, a Buffer) is left alone. Returns the value (a string is returned
 * repaired: strings can't be changed in place). Meant for a value just parsed (a request body, a
 * stored JSON column), which nothing else holds yet. Iterative: no nesting depth overflows it.
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return fix(value) as T;
  if (!isWalked(value)) return value;
  const seen = new Set<object>();
  const todo: object[] = [value];
  for (let o = todo.pop(); o !== undefined; o = todo.pop()) {
    if (seen.has(o)) continue;
    seen.add(o);
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      if (typeof v === 'string') {
        if (!v.isWellFormed()) rec[k] = v.toWellFormed();
      } else if (isWalked(v)) todo.push(v);
      if (!k.isWellFormed()) {
        const kept = rec[k];
        delete rec[k];
        // defineProperty, not assignment: a key that reads `__proto__` stays a plain key.
        Object.defineProperty(rec, k.toWellFormed(), {
          value: kept,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
    }
  }
  return value;
}

/** One string made well-formed (null stays null). */
export function wellFormedText<T extends string | null | undefined>(s: T): T {
  return (typeof s === 'string' ? fix(s) : s) as T;
}

const fix = (s: string): string => (s.isWellFormed() ? s : s.toWellFormed());

/** Arrays and plain objects (a parsed form body has no prototype at all). */
function isWalked(v: unknown): v is object {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
