/**
 * Sorts `values[0..length)` ascending in place by insertion: for the ≤ 30-value histories the
 * detectors sort at every test this beats `TypedArray.prototype.sort`, and it allocates no view.
 * The result is the same sorted sequence (utilisations are never NaN; +0 and -0, which it may order
 * differently, are equal in every use).
 */
export const sortSmall = (values: Float64Array, length: number): void => {
  for (let i = 1; i < length; i++) {
    const value = values[i]!
    let j = i - 1
    while (j >= 0 && values[j]! > value) {
      values[j + 1] = values[j]!
      j--
    }
    values[j + 1] = value
  }
}
