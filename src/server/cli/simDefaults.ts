/** `neat sim`'s default trace and policy: constants of their own, so that its options load nothing else. */
export const DEFAULT_TRACE = "synthetic"
export const DEFAULT_POLICY = "cloudsim"
