/**
 * The metric names a PromQL expression selects, for checking a dashboard against `/metrics`.
 * Everything that is not a metric name is taken out first: string literals (label values,
 * `$variables`), label matchers `{…}`, range and subquery brackets `[…]`, the label lists of
 * `by`/`without`/`on`/`ignoring`/`group_left`/`group_right`, the duration after `offset`; then an
 * identifier followed by `(` is a function call and the keywords are operators. What remains are
 * the selectors' names (https://prometheus.io/docs/prometheus/latest/querying/basics/).
 */

const LABEL_LIST_KEYWORDS = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(LABEL_LIST_KEYWORDS, ' ')
    .replace(/\boffset\s+-?[0-9a-z]+/gi, ' ')
    .replace(/@\s*(start\(\)|end\(\)|[0-9.]+)/g, ' ');
  const names = new Set<string>();
  // Numbers first (0.95, 1e3, 0x1f) so that no identifier is read out of one.
  for (const m of stripped.matchAll(/(\d[\w.]*)|([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, number, name, call] = m;
    if (number !== undefined || call !== undefined || KEYWORDS.has(name!.toLowerCase())) continue;
    names.add(name!);
  }
  return [...names];
}

/** The metric a Grafana `label_values(metric{…}, label)` variable query reads; `label_values(label)` reads none. */
export function labelValuesMetricNames(query: string): string[] {
  const m = /^\s*label_values\s*\((.*),\s*[a-zA-Z_]\w*\s*\)\s*$/s.exec(query);
  if (m !== null) return promqlMetricNames(m[1]!);
  if (/^\s*label_values\s*\(\s*[a-zA-Z_]\w*\s*\)\s*$/.test(query)) return [];
  // query_result(expr) and the like: the expression inside.
  const inner = /^\s*query_result\s*\((.*)\)\s*$/s.exec(query);
  if (inner !== null) return promqlMetricNames(inner[1]!);
  throw new Error(`unknown variable query: ${query}`);
}

/**
 * Whether the exposition text (its `# TYPE` lines) has the series `name`: a family of that name,
 * or a `_bucket` of a histogram, or a `_sum`/`_count` of a histogram or summary.
 */
export function exposes(types: ReadonlyMap<string, string>, name: string): boolean {
  if (types.has(name)) return true;
  const suffix = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (suffix === null) return false;
  const type = types.get(suffix[1]!);
  return suffix[2] === 'bucket' ? type === 'histogram' : type === 'histogram' || type === 'summary';
}

/** The families of an exposition text by `# TYPE name type`. */
export function exposedTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}
