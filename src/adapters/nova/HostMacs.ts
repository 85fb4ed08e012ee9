/**
 * The MAC address to wake each compute host with: from the configuration (`host_macs`) or, in
 * the live service, from the store (the data collectors record each host's MAC).
 */
import { Context, Effect, Layer, Option } from "effect"
import { normaliseMac } from "./WakeOnLan.js"

export interface HostMacsApi {
  readonly macOf: (host: string) => Effect.Effect<Option.Option<string>>
}

export class HostMacs extends Context.Tag("neat/nova/HostMacs")<HostMacs, HostMacsApi>() {}

/** MACs from a host → MAC map (already validated by the configuration). */
export const hostMacsFromMap = (macs: Readonly<Record<string, string>>): HostMacsApi => ({
  macOf: (host) => Effect.succeed(Option.fromNullable(macs[host]).pipe(Option.flatMapNullable(normaliseMac)))
})

/** The configured MACs first, then `fallback` (the store). */
export const hostMacsWithFallback = (first: HostMacsApi, fallback: HostMacsApi): HostMacsApi => ({
  macOf: (host) =>
    Effect.flatMap(first.macOf(host), (mac) => (Option.isSome(mac) ? Effect.succeed(mac) : fallback.macOf(host)))
})

export const HostMacsFromConfig = (macs: Readonly<Record<string, string>>): Layer.Layer<HostMacs> =>
  Layer.succeed(HostMacs, hostMacsFromMap(macs))
