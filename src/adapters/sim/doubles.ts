/**
 * An empty array that V8 keeps as unboxed doubles from the start. A literal `[]` starts as small
 * integers and changes kind at its first fraction: code compiled while a first run's arrays held
 * fractions then meets the next run's new arrays in the old kind, and is thrown away.
 */
export const emptyDoubles = (): Array<number> => {
  const values = [0.5]
  values.pop()
  return values
}
