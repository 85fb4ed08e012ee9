/**
 * Chassis power through a host's BMC with `ipmitool chassis power on|off|soft|status` (IPMI over
 * LAN, `lanplus` unless told). The password goes to ipmitool in its environment (`-E`), never on
 * its command line, where every local user could read it; every run has a timeout.
 */
import { execFile } from "node:child_process"
import { Context, Data, Effect, Redacted } from "effect"

/** A BMC and the credentials Neat uses on it. */
export interface IpmiTarget {
  readonly address: string
  /** UDP port of the BMC (623 is IPMI's). */
  readonly port: number
  readonly user: string
  readonly password: Redacted.Redacted<string>
  /** `lanplus` (IPMI 2.0, RMCP+) or `lan` (IPMI 1.5). */
  readonly interface: "lanplus" | "lan"
  /**
   * RMCP+ cipher suite (ipmitool's -C, e.g. 3 or 17); unset, ipmitool asks the BMC which it
   * offers first, which costs seconds on BMCs that do not answer that question.
   */
  readonly cipherSuite?: number | undefined
}

/** `soft` asks the host's OS to shut down (ACPI); `off` cuts the power. */
export type IpmiPowerCommand = "on" | "off" | "soft"

export class IpmiError extends Data.TaggedError("IpmiError")<{
  readonly target: string
  readonly message: string
}> {}

export interface IpmiApi {
  /** Sends one chassis power command. */
  readonly power: (target: IpmiTarget, command: IpmiPowerCommand) => Effect.Effect<void, IpmiError>
  /** The chassis power the BMC reports. */
  readonly status: (target: IpmiTarget) => Effect.Effect<"on" | "off", IpmiError>
}

export class Ipmi extends Context.Tag("neat/nova/Ipmi")<Ipmi, IpmiApi>() {}

export interface IpmiToolOptions {
  /** The ipmitool program (a name looked up in PATH, or a path). */
  readonly command: string
  /** Seconds one ipmitool run may take (ipmitool retries lost packets itself). */
  readonly timeoutSec: number
}

export const defaultIpmiToolOptions: IpmiToolOptions = { command: "ipmitool", timeoutSec: 30 }

/** "host:port" for messages (IPv6 in brackets). */
export const describeIpmiTarget = (target: IpmiTarget): string =>
  `${target.address.includes(":") ? `[${target.address}]` : target.address}:${target.port}`

/** ipmitool's lines worth reporting: it prints harmless notices (cipher suite probing) before real errors. */
const meaningfulError = (stderr: string): string => {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^Unable to Get Channel Cipher Suites$/i.test(line))
  return lines.join("; ")
}

export const makeIpmiTool = (options: IpmiToolOptions = defaultIpmiToolOptions): IpmiApi => {
  const run = (target: IpmiTarget, args: ReadonlyArray<string>): Effect.Effect<string, IpmiError> => {
    const where = describeIpmiTarget(target)
    const argv = [
      "-I",
      target.interface,
      "-H",
      target.address,
      "-p",
      String(target.port),
      "-U",
      target.user,
      ...(target.cipherSuite === undefined ? [] : ["-C", String(target.cipherSuite)]),
      "-E",
      ...args
    ]
    return Effect.async<string, IpmiError>((resume, signal) => {
      execFile(
        options.command,
        argv,
        {
          encoding: "utf8",
          timeout: Math.round(options.timeoutSec * 1000),
          signal,
          env: { ...process.env, IPMI_PASSWORD: Redacted.value(target.password) }
        },
        (error, stdout, stderr) => {
          if (error === null) return resume(Effect.succeed(stdout))
          const code = (error as NodeJS.ErrnoException).code
          const message =
            code === "ENOENT"
              ? `${options.command} is not installed (Debian: apt-get install ipmitool)`
              : error.killed === true
                ? `${options.command} ${args.join(" ")} did not finish within ${options.timeoutSec} s`
                : `${options.command} ${args.join(" ")} failed: ${meaningfulError(stderr) || error.message}`
          resume(Effect.fail(new IpmiError({ target: where, message })))
        }
      )
    }).pipe(Effect.withSpan("Ipmi.run", { attributes: { target: where, command: args.join(" ") } }))
  }

  return {
    power: (target, command) => Effect.asVoid(run(target, ["chassis", "power", command])),
    status: (target) =>
      Effect.flatMap(run(target, ["chassis", "power", "status"]), (stdout) => {
        const state = /Chassis Power is (on|off)/i.exec(stdout)?.[1]?.toLowerCase()
        return state === "on" || state === "off"
          ? Effect.succeed(state)
          : Effect.fail(
              new IpmiError({
                target: describeIpmiTarget(target),
                message: `unexpected answer to chassis power status: ${stdout.trim()}`
              })
            )
      })
  }
}
