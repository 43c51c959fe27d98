/** "Did you mean …?" for a mistyped command: the closest command id by edit distance (a swap counts as one edit). */

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** The id `typed` most likely meant: a unique prefix of at least 2 letters, else the nearest within 1-2 edits. */
export function suggestCommand(typed: string, ids: readonly string[]): string | undefined {
  const t = typed.toLowerCase()
  const prefixed = ids.filter((id) => t.length >= 2 && id.startsWith(t))
  if (prefixed.length === 1) return prefixed[0]
  const limit = t.length <= 3 ? 1 : 2
  let best: {id: string; d: number} | undefined
  for (const id of ids) {
    const d = editDistance(t, id)
    if (d <= limit && (!best || d < best.d)) best = {id, d}
  }
  return best?.id
}
