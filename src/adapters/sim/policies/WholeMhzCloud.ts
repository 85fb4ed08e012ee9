/**
 * The simulated cloud as Neat's data collector sees it: CPU histories in whole MHz. Neat's collector
 * stores integers (its local files and its database hold whole MHz), so the `neat` policy and the
 * live stack on a simulated cloud read the same truncated values and take the same decisions.
 */
import { Effect } from "effect"
import type { CloudApi } from "../../../core/Cloud.js"

const truncate = (values: ReadonlyArray<number>): ReadonlyArray<number> => values.map((v) => Math.trunc(v))

/** `cloud` with its VM and host CPU histories truncated to whole MHz; everything else unchanged. */
export const wholeMhzCloud = (cloud: CloudApi): CloudApi => ({
  ...cloud,
  vmCpuHistory: (uuid, n) => Effect.map(cloud.vmCpuHistory(uuid, n), truncate),
  hostCpuHistory: (host, n) => Effect.map(cloud.hostCpuHistory(host, n), truncate)
})
