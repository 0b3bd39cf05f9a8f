/**
 * A strict parser of Prometheus' text exposition format (version 0.0.4), for the /metrics tests:
 * every line must be a HELP, a TYPE, a sample or empty; names and labels must be well-formed; a
 * family's TYPE comes before its samples and only once; a sample belongs to a declared family
 * (histograms' _bucket/_sum/_count, summaries' _sum/_count); label values use only the escapes the
 * format allows; values are floats (+Inf, -Inf, NaN included); no series appears twice; a
 * histogram's buckets are cumulative and end with le="+Inf" equal to its _count. Throws, naming the
 * line, at the first thing Prometheus would refuse.
 */

export interface Family {
  readonly name: string;
  type: string;
  help: string | null;
  readonly samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s: string, line: number): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (s === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s))
    throw new Error(`line ${line}: "${s}" is not a sample value`);
  return Number(s);
}

/** `{a="x",b="y"}` from position `i` of `s`: the labels and where they end. */
function parseLabels(s: string, i: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let p = i + 1;
  for (;;) {
    if (s[p] === '}') return [labels, p + 1];
    const eq = s.indexOf('=', p);
    if (eq < 0) throw new Error(`line ${line}: a label without "="`);
    const name = s.slice(p, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: label "${name}" twice`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let v = '';
    let q = eq + 2;
    for (;;) {
      const ch = s[q];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\\') {
        const next = s[q + 1];
        if (next === 'n') v += '\n';
        else if (next === '\\' || next === '"') v += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
        q += 2;
        continue;
      }
      v += ch;
      q++;
    }
    labels[name] = v;
    p = q + 1;
    if (s[p] === ',') p++;
    else if (s[p] !== '}') throw new Error(`line ${line}: expected "," or "}" after a label`);
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: null, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  if (text.length && !text.endsWith('\n'))
    throw new Error('the exposition must end with a newline');
  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    const l = raw.trimEnd();
    if (!l) return;
    if (l.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(l);
      if (!m) return; // a comment
      const [, kind, name = '', rest = ''] = m;
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name "${name}"`);
      const f = family(name);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type "${rest}"`);
        if (f.samples.length) throw new Error(`line ${n}: TYPE of ${name} after its samples`);
        if (f.type !== 'untyped') throw new Error(`line ${n}: second TYPE for ${name}`);
        f.type = rest;
      } else {
        if (f.help !== null) throw new Error(`line ${n}: second HELP for ${name}`);
        f.help = rest;
      }
      return;
    }
    const nameEnd = l.search(/[{ ]/);
    if (nameEnd < 0) throw new Error(`line ${n}: a sample without a value`);
    const name = l.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name "${name}"`);
    let labels: Record<string, string> = {};
    let p = nameEnd;
    if (l[p] === '{') [labels, p] = parseLabels(l, p, n);
    if (l[p] !== ' ') throw new Error(`line ${n}: expected a space before the value`);
    const parts = l
      .slice(p + 1)
      .trim()
      .split(/ +/);
    if (parts.length > 2) throw new Error(`line ${n}: too many fields`);
    const value = parseValue(parts[0] ?? '', n);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1]))
      throw new Error(`line ${n}: bad timestamp`);
    const base = families.get(name)
      ? name
      : (['_bucket', '_sum', '_count', '_created']
          .filter((s) => name.endsWith(s))
          .map((s) => name.slice(0, -s.length))
          .find((b) => ['histogram', 'summary'].includes(families.get(b)?.type ?? '')) ?? name);
    const f = families.get(base);
    if (!f || f.type === 'untyped')
      throw new Error(`line ${n}: sample ${name} of no declared family`);
    if (f.type === 'histogram' && name === base)
      throw new Error(`line ${n}: a histogram sample must be _bucket, _sum or _count`);
    if (f.type === 'histogram' && name === `${base}_bucket` && !('le' in labels))
      throw new Error(`line ${n}: a bucket without le`);
    const key = `${name}{${Object.entries(labels)
      .sort()
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`line ${n}: series ${key} twice`);
    seen.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) {
    if (f.type !== 'histogram') continue;
    const groups = new Map<string, { le: number; v: number }[]>();
    const counts = new Map<string, number>();
    for (const s of f.samples) {
      const { le, ...rest } = s.labels;
      const g = JSON.stringify(Object.entries(rest).sort());
      if (s.name.endsWith('_bucket'))
        groups.set(g, [...(groups.get(g) ?? []), { le: parseValue(le ?? '', 0), v: s.value }]);
      if (s.name.endsWith('_count')) counts.set(g, s.value);
    }
    for (const [g, buckets] of groups) {
      buckets.sort((a, b) => a.le - b.le);
      for (let i = 1; i < buckets.length; i++)
        if ((buckets[i]?.v ?? 0) < (buckets[i - 1]?.v ?? 0))
          throw new Error(`${f.name}${g}: buckets are not cumulative`);
      const last = buckets.at(-1);
      if (last?.le !== Number.POSITIVE_INFINITY) throw new Error(`${f.name}${g}: no +Inf bucket`);
      if (counts.get(g) !== last.v) throw new Error(`${f.name}${g}: +Inf bucket is not _count`);
    }
  }
  return families;
}

/** One sample's value: the family's sample named `name` whose labels include `labels`. */
export function sample(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        return s.value;
  return undefined;
}
