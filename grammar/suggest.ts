// "Did you mean": the closest candidate by edit distance, when it is close enough, else the shortest
// candidate the name begins (`invconv` → `invconv1x1`). One rule for every name: kinds, arguments,
// lets, masks, models, declarations, YAML keys and values, `flowc help` topics.

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length,
    n = b.length;
  // optimal string alignment: insertions, deletions, substitutions, adjacent transpositions
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) =>
    Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[m]![n]!;
}

/**
 * the candidate closest to `name` (case-insensitive), if within max(1, ⌊len/3⌋) edits; else, for a
 * name of 3 or more characters, the shortest candidate that starts with it; else undefined
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestD = Infinity;
  let prefixed: string | undefined;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
    if (lower.length >= 3 && c.toLowerCase().startsWith(lower)) {
      if (!prefixed || c.length < prefixed.length || (c.length === prefixed.length && c < prefixed)) prefixed = c;
    }
  }
  return bestD <= limit ? best : prefixed;
}

/** "a, b, c" (at most `max` names, then "…") */
export function listNames(names: readonly string[], max = 12): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');
}
