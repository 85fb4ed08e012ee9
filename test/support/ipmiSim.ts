/**
 * OpenIPMI's BMC simulator for the IPMI tests: the one `.ci/services/ipmi.sh` started (its
 * NEAT_TEST_IPMI_* variables), or, outside CI, one the suite starts with that same script when
 * `ipmi_sim` and `ipmitool` are installed (Debian packages openipmi and ipmitool).
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { projectRoot } from "./projectRoot.js"
import { type Requirement, serverEnv } from "./requirement.js"

export interface IpmiSim {
  readonly port: number
  readonly user: string
  readonly password: string
  /** The simulated chassis's power, "on" or "off", as ipmi_sim's chassis control keeps it. */
  readonly powerFile: string
  /** Stops a simulator this process started (nothing for the one CI started). */
  readonly stop: () => void
}

const variables = [
  "NEAT_TEST_IPMI_PORT",
  "NEAT_TEST_IPMI_USER",
  "NEAT_TEST_IPMI_PASSWORD",
  "NEAT_TEST_IPMI_POWER_FILE"
] as const

const onPath = (program: string): boolean =>
  (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, program)))

const fromEnv = (values: Readonly<Record<(typeof variables)[number], string>>): IpmiSim => ({
  port: Number(values.NEAT_TEST_IPMI_PORT),
  user: values.NEAT_TEST_IPMI_USER,
  password: values.NEAT_TEST_IPMI_PASSWORD,
  powerFile: values.NEAT_TEST_IPMI_POWER_FILE,
  stop: () => {}
})

/** Starts ipmi_sim through .ci/services/ipmi.sh in a scratch state directory. */
const startOwn = (): IpmiSim => {
  const state = mkdtempSync(join(tmpdir(), "neat-ipmi-"))
  const port = 40_000 + (process.pid % 20_000)
  const script = join(projectRoot, ".ci/services/ipmi.sh")
  const result = spawnSync(
    "bash",
    [
      "-c",
      `register_stop() { :; }; source "${script}" && echo "$NEAT_TEST_IPMI_USER $NEAT_TEST_IPMI_PASSWORD $NEAT_TEST_IPMI_POWER_FILE"`
    ],
    { encoding: "utf8", env: { ...process.env, NEAT_CI_STATE: state, NEAT_IPMI_PORT: String(port) }, timeout: 30_000 }
  )
  const pidFile = join(state, "ipmi", "ipmi_sim.pid")
  const stop = () => {
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8").trim()))
      } catch {
        // already gone
      }
    }
    rmSync(state, { recursive: true, force: true })
  }
  const last = result.stdout.trim().split("\n").at(-1) ?? ""
  const [user, password, powerFile] = last.split(" ")
  if (
    result.status !== 0 ||
    user === undefined ||
    password === undefined ||
    powerFile === undefined ||
    powerFile === ""
  ) {
    stop()
    throw new Error(`ipmi_sim did not start: ${result.stdout}${result.stderr}`)
  }
  return { port, user, password, powerFile, stop }
}

const ciServer = serverEnv(variables, "")

/** How to reach a simulator: CI's, or a fresh one when the programs are installed. */
export const ipmiSimRequirement: Requirement<() => IpmiSim> = ciServer.ok
  ? { ok: true, value: () => fromEnv(ciServer.value) }
  : onPath("ipmi_sim") && onPath("ipmitool")
    ? { ok: true, value: startOwn }
    : {
        ok: false,
        message:
          "ipmi_sim or ipmitool is not installed (Debian packages openipmi and ipmitool; .ci/services/ipmi.sh installs them and starts the simulator)"
      }
