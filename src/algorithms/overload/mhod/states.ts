/**
 * MHOD's discrete utilisation states: a state configuration (ascending utilisation thresholds,
 * fractions 0-1) splits utilisation into `thresholds + 1` states; the last one is "overloaded".
 */

/**
 * The state of one utilisation value, exactly as Neat's `utilization_to_state` computes it: state k
 * when the value is below threshold k and not below the *index* of the previous state (Neat compares
 * with the previous state's index, not its threshold; kept for identical decisions), else the last state.
 */
export const utilizationToState = (stateConfig: ReadonlyArray<number>, utilization: number): number => {
  let previous = -1
  for (let state = 0; state < stateConfig.length; state++) {
    if (utilization >= previous && utilization < stateConfig[state]!) return state
    previous = state
  }
  return previous + 1
}

/** The state of every value of a utilisation history, oldest first. */
export const utilizationToStates = (
  stateConfig: ReadonlyArray<number>,
  utilization: ReadonlyArray<number>
): Array<number> => utilization.map((value) => utilizationToState(stateConfig, value))

/** The one-hot state vector (PMF) of the latest utilisation value. */
export const buildStateVector = (
  stateConfig: ReadonlyArray<number>,
  utilization: ReadonlyArray<number>
): Array<number> => {
  const last = utilization[utilization.length - 1]
  if (last === undefined) throw new RangeError("the utilisation history is empty")
  const state = utilizationToState(stateConfig, last)
  const vector = new Array<number>(stateConfig.length + 1).fill(0)
  vector[state] = 1
  return vector
}

/** The state a one-hot state vector stands for. */
export const currentState = (stateVector: ReadonlyArray<number>): number => {
  const index = stateVector.indexOf(1)
  if (index < 0) throw new RangeError(`not a state vector: [${stateVector.join(", ")}]`)
  return index
}
