/**
 * Ctrl-C stops a long `neat sim` at once, not at the end of its run (src/server/cli/defaultSignals.ts).
 */
import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { neatNodeArgs } from "../../support/neatCli.js"

describe("neat sim interrupted", () => {
  it("ends within seconds of SIGINT during a run that takes far longer", async () => {
    // 20 000 hosts: about half a minute of simulation on a quiet machine.
    const child = spawn(
      process.execPath,
      neatNodeArgs(["sim", "--trace", "synthetic:vms=26300,seed=42", "--hosts", "20000", "--format", "json"]),
      { stdio: ["ignore", "pipe", "pipe"] }
    )
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal }))
    )
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    const sentAt = Date.now()
    child.kill("SIGINT")
    const { code, signal } = await ended
    const tookMs = Date.now() - sentAt
    expect(signal === "SIGINT" || code === 130).toBe(true)
    // The run itself would go on for half a minute or more; a generous bound for a loaded machine.
    expect(tookMs).toBeLessThan(15_000)
  }, 60_000)
})
