/**
 * Orders strings by Unicode code point, as Python compares `str`. JavaScript's `<` compares
 * UTF-16 code units, which disagrees for characters above U+FFFF against U+E000..U+FFFF; Neat's
 * tie-breaks (host names, VM UUIDs) must sort the same way here.
 */
export const compareCodePoints = (a: string, b: string): number => {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

// Surrogates (U+D800..U+DFFF) encode code points above U+FFFF: rank them after U+E000..U+FFFF.
const codePointRank = (unit: number): number =>
  unit >= 0xd800 ? (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000) : unit
