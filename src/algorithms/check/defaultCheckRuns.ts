/** Random inputs tried per property unless told: a constant of its own, so `neat --help` can show it without the properties. */
export const defaultCheckRuns = 100
