/** `neat sim` on a public data set's trace: the format prefix, the sampling and window flags, clear errors. */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { azureReading, azureVm, writeAzure } from "../../adapters/sim/traces/datasets.js"
import { neatSync } from "../../support/neatCli.js"

const work = mkdtempSync(join(tmpdir(), "neat-sim-datasets-"))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const ids = ["v1", "v2", "v3", "v4", "v5", "v6"]
const readings: Array<string> = []
for (let k = 0; k < 24; k++) for (const [i, id] of ids.entries()) readings.push(azureReading(k * 300, id, 5 + 10 * i))
const azure = writeAzure(
  join(work, "azure"),
  ids.map((id) => azureVm(id, 0, 100_000, "1", "2")),
  [readings]
)

describe("neat sim --trace azure:DIR", () => {
  it("runs a sampled, windowed data set and states how it was read", () => {
    const run = neatSync([
      "sim",
      "--trace",
      `azure:${azure}`,
      "--vms",
      "4",
      "--seed",
      "3",
      "--from",
      "0",
      "--to",
      "3600",
      "--interval",
      "600",
      "--hosts",
      "4",
      "--format",
      "json"
    ])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout) as { configuration: { trace: string } }
    expect(result.configuration.trace).toBe(`azure:${azure} (vms 4, seed 3, from 0, to 3600, interval 600 s)`)
  })

  it("detects the format without a prefix", () => {
    // Each VM takes a whole ML110 G5 core (2 660 MIPS): eight hosts hold the six VMs.
    const run = neatSync(["sim", "--trace", azure, "--hosts", "8"])
    expect(run.stderr).toBe("")
    expect(run.status).toBe(0)
  })

  it("exits 1 with a clear message on a bad window, a date for Azure, a missing directory or sampling the synthetic workload", () => {
    const backwards = neatSync(["sim", "--trace", `azure:${azure}`, "--from", "600", "--to", "300"])
    expect(backwards.status).toBe(1)
    expect(backwards.stderr).toMatch(/to.*must be after --from/)
    const date = neatSync(["sim", "--trace", `azure:${azure}`, "--from", "2019-01-01T00:00:00Z"])
    expect(date.status).toBe(1)
    expect(date.stderr).toMatch(/azure times are seconds from the start of the trace/)
    const missing = neatSync(["sim", "--trace", `azure:${join(work, "nowhere")}`])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/nowhere: cannot list the Azure directory/)
    expect(missing.stderr).not.toMatch(/\n\s+at /)
    const synthetic = neatSync(["sim", "--trace", "synthetic:vms=5,seed=1", "--vms", "2"])
    expect(synthetic.status).toBe(1)
    expect(synthetic.stderr).toMatch(
      /--vms, --from, --to, --interval and --mips-per-core apply to gwa, azure, alibaba and google/
    )
  })
})
