/** Damerau–Levenshtein (optimal string alignment) distance, stopping early beyond `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  let previousRowMin = 0;
  for (let i = 1; i < rows; i++) {
    let rowMin = i; // d[i][0]
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      rowMin = Math.min(rowMin, v);
    }
    // A transposition reaches back two rows, so both must be past the limit to stop early.
    if (rowMin > max && previousRowMin > max) return max + 1;
    previousRowMin = rowMin;
  }
  return Math.min(d[a.length][b.length], max + 1);
}

/**
 * The vocabulary word a (possibly misspelt) word stands for: itself when known, else the closest
 * word within one edit (two for words of seven letters or more), else itself.
 */
export function correctWord(word: string, vocabulary: ReadonlySet<string>): string {
  if (vocabulary.has(word) || /\d/.test(word) || word.length < 3) return word;
  // A plural of a known word is a different word ("uploads"), not a typo of it.
  if (word.endsWith('s') && vocabulary.has(word.slice(0, -1))) return word;
  if (word.length === 3) {
    // Short words only by swapped letters ("rnu" → "run"): one edit would turn "who" into "why".
    const letters = [...word].sort().join('');
    for (const candidate of vocabulary)
      if (candidate.length === 3 && [...candidate].sort().join('') === letters) return candidate;
    return word;
  }
  const allowed = word.length >= 7 ? 2 : 1;
  let best = word;
  let bestDistance = allowed + 1;
  for (const candidate of vocabulary) {
    const distance = editDistance(word, candidate, allowed);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
