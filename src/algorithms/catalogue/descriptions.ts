/**
 * One-line descriptions of CloudSim's family, for entries registered without their own (see
 * `AlgorithmAbout` in registry.ts). Keyed by `<family>/<name>`.
 */
export const fallbackDescriptions: Readonly<Record<string, string>> = {
  "overload/thr": "CloudSim's static threshold: overloaded when the utilisation exceeds the threshold",
  "overload/iqr": "CloudSim's IQR: adaptive threshold 1 - safety × the interquartile range of the history",
  "overload/mad": "CloudSim's MAD: adaptive threshold 1 - safety × the median absolute deviation of the history",
  "overload/lr": "CloudSim's local regression: overloaded when safety × the predicted utilisation >= 1",
  "overload/lrr": "CloudSim's robust local regression, otherwise as lr",
  "selection/mmt": "CloudSim's minimum migration time: the VM with the least RAM",
  "selection/mc": "CloudSim's maximum correlation: the VM whose utilisation correlates most with the others'",
  "selection/mu": "CloudSim's minimum utilisation: the VM with the lowest CPU utilisation",
  "selection/rs": "CloudSim's random selection (seeded)",
  "placement/power_aware_best_fit":
    "CloudSim's power-aware best fit decreasing: each VM to the host whose power grows least"
}
