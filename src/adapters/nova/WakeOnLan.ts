/**
 * Sends Wake-on-LAN magic packets (wol) to an explicitly configured address and port. The wol
 * library broadcasts to 255.255.255.255:9 when given no target, and its promise can hang on
 * some socket errors, so the target is required and every send has a timeout.
 */
import { Context, Data, Duration, Effect, Layer } from "effect"
import { wake } from "wol"

export interface WakeOnLanOptions {
  /** Where magic packets go: the compute network's broadcast address, or a relay's address. */
  readonly address: string
  /** UDP port (7 and 9 are customary). */
  readonly port: number
  /** Seconds one send may take. */
  readonly sendTimeoutSec: number
}

export class WakeOnLanError extends Data.TaggedError("WakeOnLanError")<{
  readonly mac: string
  readonly target: string
  readonly message: string
}> {}

export interface WakeOnLanApi {
  /** Sends one magic packet for `mac` to the configured target. */
  readonly send: (mac: string) => Effect.Effect<void, WakeOnLanError>
}

export class WakeOnLan extends Context.Tag("neat/nova/WakeOnLan")<WakeOnLan, WakeOnLanApi>() {}

const macPattern = /^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i

/** A MAC address in lower-case colon form, or undefined when `text` is not one. */
export const normaliseMac = (text: string): string | undefined => {
  const trimmed = text.trim()
  if (!macPattern.test(trimmed)) return undefined
  const hex = trimmed.replace(/[:-]/g, "").toLowerCase()
  return hex.match(/.{2}/g)?.join(":")
}

/** The 102-byte magic packet: six 0xff then sixteen copies of the MAC. */
export const magicPacket = (mac: string): Buffer => {
  const normalised = normaliseMac(mac)
  if (normalised === undefined) throw new Error(`not a MAC address: ${mac}`)
  const bytes = Buffer.from(normalised.replace(/:/g, ""), "hex")
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => bytes)])
}

export const makeWakeOnLan = (options: WakeOnLanOptions): WakeOnLanApi => {
  const target = `${options.address}:${options.port}`
  return {
    send: (mac) =>
      Effect.gen(function* () {
        const normalised = normaliseMac(mac)
        if (normalised === undefined) {
          return yield* new WakeOnLanError({ mac, target, message: `not a MAC address: ${JSON.stringify(mac)}` })
        }
        const sent = yield* Effect.tryPromise({
          try: () => wake(normalised, { address: options.address, port: options.port }),
          catch: (cause) =>
            new WakeOnLanError({ mac, target, message: cause instanceof Error ? cause.message : String(cause) })
        }).pipe(
          Effect.timeoutFail({
            duration: Duration.seconds(options.sendTimeoutSec),
            onTimeout: () => new WakeOnLanError({ mac, target, message: `not sent within ${options.sendTimeoutSec} s` })
          })
        )
        if (!sent) return yield* new WakeOnLanError({ mac, target, message: "the packet was not sent whole" })
      }).pipe(Effect.withSpan("WakeOnLan.send", { attributes: { mac, target } }))
  }
}

export const WakeOnLanLive = (options: WakeOnLanOptions): Layer.Layer<WakeOnLan> =>
  Layer.succeed(WakeOnLan, makeWakeOnLan(options))
