/**
 * Suspending and waking compute hosts. Suspend: the host must be empty; its nova-compute service
 * is disabled with a reason naming Neat (so the scheduler places nothing there), the sleep
 * command runs over SSH, and the host counts as suspended only once its compute service is seen
 * down. Wake: magic packets (re-sent a bounded number of times) until the compute service is seen
 * up, then the service is enabled again. A host an operator disabled is left alone.
 * A host whose wake method is IPMI is woken by `chassis power on` through its BMC instead, and put
 * to sleep by a soft (ACPI) or hard power-off through the BMC rather than the sleep command, since
 * a BMC powers on a host that is off, not one suspended to RAM; its suspension counts once the
 * compute service is down and the BMC reports the power off.
 */
import { Clock, Context, Effect, Layer, Option } from "effect"
import { CloudActionError, UnknownHost } from "../../core/errors.js"
import { describeOpenStackError, type OpenStackError } from "./errors.js"
import { HostMacs } from "./HostMacs.js"
import { HostPowerLog } from "./HostPowerLog.js"
import { Ipmi, type IpmiPowerCommand, type IpmiTarget, makeIpmiTool } from "./Ipmi.js"
import { Nova } from "./Nova.js"
import type { ComputeService } from "./NovaModels.js"
import { RemoteShell } from "./RemoteShell.js"
import { WakeOnLan } from "./WakeOnLan.js"

/** Every reason Neat writes starts with this; a disabled service with another reason is an operator's. */
export const neatReasonPrefix = "Neat:"

export const isDisabledByNeat = (service: ComputeService): boolean =>
  service.status === "disabled" && (service.disabled_reason ?? "").startsWith(neatReasonPrefix)

export const isDisabledByOperator = (service: ComputeService): boolean =>
  service.status === "disabled" && !isDisabledByNeat(service)

/** How a host is woken: Wake-on-LAN magic packets, or IPMI chassis power on through its BMC. */
export type WakeMethod = "wol" | "ipmi"

export interface IpmiPowerOptions {
  /** Each IPMI host's BMC and credentials. */
  readonly targets: Readonly<Record<string, IpmiTarget>>
  /** How an IPMI host is put to sleep: `soft` (ACPI shutdown) or `off` (power cut). */
  readonly powerOff: Exclude<IpmiPowerCommand, "on">
  /** Seconds one ipmitool run may take. */
  readonly timeoutSec: number
}

export interface HostPowerOptions {
  /** sleep_command, as an argument list (e.g. ["systemctl", "suspend"]). */
  readonly sleepCommand: ReadonlyArray<string>
  /** Address to reach each host over SSH when it differs from its Nova host name. */
  readonly sshAddresses: Readonly<Record<string, string>>
  /** Seconds to wait for the compute service to go down after the sleep command. */
  readonly suspendVerifyTimeoutSec: number
  /** Seconds to wait for the compute service to come up after each magic packet. */
  readonly wakeTimeoutSec: number
  /** Further packets sent when a host has not come up in `wakeTimeoutSec`. */
  readonly wakeResends: number
  /** Seconds between two looks at a compute service. */
  readonly pollIntervalSec: number
  /** Wake method of each listed host; the others use `defaultWakeMethod` (Wake-on-LAN unless told). */
  readonly wakeMethods?: Readonly<Record<string, WakeMethod>> | undefined
  readonly defaultWakeMethod?: WakeMethod | undefined
  /** BMCs of the IPMI hosts. */
  readonly ipmi?: IpmiPowerOptions | undefined
}

/** The wake method `host` is configured with. */
export const wakeMethodOf = (options: HostPowerOptions, host: string): WakeMethod =>
  options.wakeMethods?.[host] ?? options.defaultWakeMethod ?? "wol"

export const defaultHostPowerOptions: Omit<HostPowerOptions, "sleepCommand"> = {
  sshAddresses: {},
  suspendVerifyTimeoutSec: 180,
  wakeTimeoutSec: 120,
  wakeResends: 2,
  pollIntervalSec: 5
}

export interface HostPowerApi {
  readonly suspend: (host: string) => Effect.Effect<void, CloudActionError | UnknownHost>
  readonly wake: (host: string) => Effect.Effect<void, CloudActionError | UnknownHost>
}

export class HostPower extends Context.Tag("neat/nova/HostPower")<HostPower, HostPowerApi>() {}

export const makeHostPower = (
  options: HostPowerOptions
): Effect.Effect<HostPowerApi, never, Nova | RemoteShell | WakeOnLan | HostMacs | HostPowerLog> =>
  Effect.gen(function* () {
    const nova = yield* Nova
    const shell = yield* RemoteShell
    const wol = yield* WakeOnLan
    const macs = yield* HostMacs
    const log = yield* HostPowerLog
    // ipmitool unless a test or an embedding provides another BMC client.
    const ipmi = Option.getOrElse(yield* Effect.serviceOption(Ipmi), () =>
      makeIpmiTool({ command: "ipmitool", timeoutSec: options.ipmi?.timeoutSec ?? 30 })
    )
    const ipmiTargetOf = (host: string): IpmiTarget | undefined => options.ipmi?.targets[host]

    const cloudError = (action: "suspend" | "wake", host: string) => (error: OpenStackError) =>
      new CloudActionError({ action, target: host, message: describeOpenStackError(error), cause: error })

    const serviceOf = (action: "suspend" | "wake", host: string) =>
      nova.computeServices.pipe(
        Effect.mapError(cloudError(action, host)),
        Effect.flatMap((services) => {
          const service = services.find((s) => s.host === host)
          return service === undefined ? Effect.fail(new UnknownHost({ host })) : Effect.succeed(service)
        })
      )

    /** Polls until the service is in `state` or `timeoutSec` passed; read failures count as "not yet". */
    const waitForState = (host: string, state: "up" | "down", timeoutSec: number) =>
      Effect.gen(function* () {
        const deadline = (yield* Clock.currentTimeMillis) + timeoutSec * 1000
        while (true) {
          const services = yield* Effect.either(nova.computeServices)
          if (services._tag === "Right" && services.right.find((s) => s.host === host)?.state === state) return true
          if ((yield* Clock.currentTimeMillis) >= deadline) return false
          yield* Effect.sleep(`${Math.round(options.pollIntervalSec * 1000)} millis`)
        }
      })

    const record = (host: string, state: "active" | "suspended" | "failed", detail: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (atMs) => log.record({ host, state, atMs, detail }))

    const enable = (action: "suspend" | "wake", service: ComputeService) =>
      nova.setServiceStatus(service.id, { enabled: true }).pipe(Effect.mapError(cloudError(action, service.host)))

    /** Powers an IPMI host off through its BMC; verified by its compute service going down and the BMC reporting off. */
    const suspendByIpmi = (
      host: string,
      fail: (message: string) => CloudActionError,
      undo: Effect.Effect<void>
    ): Effect.Effect<void, CloudActionError> =>
      Effect.gen(function* () {
        const target = ipmiTargetOf(host)
        if (target === undefined) {
          yield* undo
          return yield* fail("its wake method is IPMI but no BMC is configured for it (ipmi_hosts)")
        }
        const command = options.ipmi?.powerOff ?? "soft"
        const sent = yield* Effect.either(ipmi.power(target, command))
        if (sent._tag === "Left") {
          yield* undo
          return yield* fail(`IPMI chassis power ${command} failed: ${sent.left.message}`)
        }
        const started = yield* Clock.currentTimeMillis
        const down = yield* waitForState(host, "down", options.suspendVerifyTimeoutSec)
        if (!down) {
          return yield* fail(
            `IPMI chassis power ${command} was accepted but the compute service was still up after ${options.suspendVerifyTimeoutSec} s; the service stays disabled`
          )
        }
        // An ACPI shutdown ends some time after nova-compute stops: wait for the BMC too.
        const remainingSec = Math.max(
          options.pollIntervalSec,
          options.suspendVerifyTimeoutSec - ((yield* Clock.currentTimeMillis) - started) / 1000
        )
        const off = yield* waitForPower(target, "off", remainingSec)
        if (!off) {
          return yield* fail(
            `the compute service is down but the BMC still reported power on after ${options.suspendVerifyTimeoutSec} s (IPMI chassis power ${command})`
          )
        }
        yield* record(host, "suspended", `IPMI chassis power ${command}, compute service down, chassis power off`)
        yield* Effect.logInfo(`suspended ${host} (IPMI power ${command})`).pipe(
          Effect.annotateLogs({ service: "HostPower" })
        )
      })

    /** Polls the BMC until it reports `state` or `timeoutSec` passed; read failures count as "not yet". */
    const waitForPower = (target: IpmiTarget, state: "on" | "off", timeoutSec: number) =>
      Effect.gen(function* () {
        const deadline = (yield* Clock.currentTimeMillis) + timeoutSec * 1000
        while (true) {
          const power = yield* Effect.either(ipmi.status(target))
          if (power._tag === "Right" && power.right === state) return true
          if ((yield* Clock.currentTimeMillis) >= deadline) return false
          yield* Effect.sleep(`${Math.round(options.pollIntervalSec * 1000)} millis`)
        }
      })

    const suspend = (host: string) =>
      Effect.gen(function* () {
        const fail = (message: string) => new CloudActionError({ action: "suspend", target: host, message })
        const service = yield* serviceOf("suspend", host)
        if (isDisabledByOperator(service)) {
          return yield* fail(
            `its compute service was disabled by an operator (${service.disabled_reason ?? "no reason given"}); Neat leaves it alone`
          )
        }
        const servers = yield* nova.servers.pipe(Effect.mapError(cloudError("suspend", host)))
        const resident = servers.filter((s) => s["OS-EXT-SRV-ATTR:host"] === host)
        if (resident.length > 0) {
          return yield* fail(`it still runs ${resident.length} VM(s): ${resident.map((s) => s.id).join(", ")}`)
        }
        if (isDisabledByNeat(service) && service.state === "down") {
          const latest = yield* log.latest(host)
          if (Option.isNone(latest) || latest.value.state !== "suspended") {
            yield* record(host, "suspended", "found suspended by Neat")
          }
          return
        }
        const weDisabled = !isDisabledByNeat(service)
        if (weDisabled) {
          const reason = `${neatReasonPrefix} suspended by Neat (consolidation) at ${new Date(yield* Clock.currentTimeMillis).toISOString()}`
          yield* nova
            .setServiceStatus(service.id, { enabled: false, reason })
            .pipe(Effect.mapError(cloudError("suspend", host)))
        }
        const undo = weDisabled ? Effect.ignore(enable("suspend", service)) : Effect.void
        if (wakeMethodOf(options, host) === "ipmi") return yield* suspendByIpmi(host, fail, undo)
        const address = options.sshAddresses[host] ?? host
        const ran = yield* Effect.either(shell.exec(address, options.sleepCommand))
        if (ran._tag === "Left") {
          yield* undo
          return yield* fail(`the sleep command was not started over SSH (${ran.left.stage}): ${ran.left.message}`)
        }
        if (ran.right._tag === "Exited" && ran.right.code !== 0) {
          yield* undo
          const stderr = ran.right.stderr.trim()
          return yield* fail(
            `the sleep command exited with code ${ran.right.code}${stderr === "" ? "" : `: ${stderr}`}`
          )
        }
        const down = yield* waitForState(host, "down", options.suspendVerifyTimeoutSec)
        if (!down) {
          return yield* fail(
            `the sleep command was sent (${ran.right._tag.toLowerCase()}) but the compute service was still up after ${options.suspendVerifyTimeoutSec} s; the service stays disabled`
          )
        }
        yield* record(host, "suspended", `sleep command ${ran.right._tag.toLowerCase()}, compute service down`)
        yield* Effect.logInfo(`suspended ${host}`).pipe(Effect.annotateLogs({ service: "HostPower" }))
      }).pipe(Effect.withSpan("HostPower.suspend", { attributes: { host } }))

    const wake = (host: string) =>
      Effect.gen(function* () {
        const fail = (message: string) => new CloudActionError({ action: "wake", target: host, message })
        const service = yield* serviceOf("wake", host)
        if (isDisabledByOperator(service)) {
          return yield* fail(
            `its compute service was disabled by an operator (${service.disabled_reason ?? "no reason given"}); Neat never re-enables it`
          )
        }
        if (service.state !== "up" && wakeMethodOf(options, host) === "ipmi") {
          const target = ipmiTargetOf(host)
          if (target === undefined)
            return yield* fail("its wake method is IPMI but no BMC is configured for it (ipmi_hosts)")
          let up = false
          let lastSendError: string | undefined
          for (let attempt = 0; attempt <= options.wakeResends && !up; attempt++) {
            const sent = yield* Effect.either(ipmi.power(target, "on"))
            lastSendError = sent._tag === "Left" ? sent.left.message : undefined
            up = yield* waitForState(host, "up", options.wakeTimeoutSec)
          }
          if (!up) {
            const attempts = options.wakeResends + 1
            const detail = `did not come up after ${attempts} IPMI chassis power on command(s) over ${attempts * options.wakeTimeoutSec} s${lastSendError === undefined ? "" : ` (last command: ${lastSendError})`}`
            yield* record(host, "failed", detail)
            return yield* fail(`${detail}; marked failed and excluded from placement`)
          }
        } else if (service.state !== "up") {
          const mac = yield* macs.macOf(host)
          if (Option.isNone(mac)) return yield* fail("no MAC address is known for it (host_macs)")
          let up = false
          let lastSendError: string | undefined
          for (let packet = 0; packet <= options.wakeResends && !up; packet++) {
            const sent = yield* Effect.either(wol.send(mac.value))
            if (sent._tag === "Left") lastSendError = sent.left.message
            up = yield* waitForState(host, "up", options.wakeTimeoutSec)
          }
          if (!up) {
            const packets = options.wakeResends + 1
            const detail = `did not come up after ${packets} magic packet(s) over ${packets * options.wakeTimeoutSec} s${lastSendError === undefined ? "" : ` (last send: ${lastSendError})`}`
            yield* record(host, "failed", detail)
            return yield* fail(`${detail}; marked failed and excluded from placement`)
          }
        }
        if (isDisabledByNeat(service)) yield* enable("wake", service)
        yield* record(host, "active", "compute service up and enabled")
        yield* Effect.logInfo(`woke ${host}`).pipe(Effect.annotateLogs({ service: "HostPower" }))
      }).pipe(Effect.withSpan("HostPower.wake", { attributes: { host } }))

    return { suspend, wake }
  })

export const HostPowerLive = (
  options: HostPowerOptions
): Layer.Layer<HostPower, never, Nova | RemoteShell | WakeOnLan | HostMacs | HostPowerLog> =>
  Layer.effect(HostPower, makeHostPower(options))
