/**
 * The MAC address the global manager wakes this host with. The collector records it in the store
 * (`StoreHostMacs` reads it back), so Wake-on-LAN needs no `host_macs` list on the management host.
 */
import { networkInterfaces } from "node:os"
import { normaliseMac } from "../../adapters/nova/WakeOnLan.js"

/** The part of `os.networkInterfaces()` this reads. */
export type NetworkInterfaces = Readonly<
  Record<string, ReadonlyArray<{ readonly mac: string; readonly internal: boolean }> | undefined>
>

/**
 * The configured MAC (`local_host_mac`, normalised; undefined when malformed), or, when none is
 * configured, the MAC of the first external interface by name that has one.
 */
export const hostMacOf = (
  configured: string,
  interfaces: NetworkInterfaces = networkInterfaces()
): string | undefined => {
  if (configured.trim() !== "") return normaliseMac(configured)
  for (const name of Object.keys(interfaces).sort()) {
    for (const address of interfaces[name] ?? []) {
      const mac = address.internal ? undefined : normaliseMac(address.mac)
      if (mac !== undefined && mac !== "00:00:00:00:00:00") return mac
    }
  }
  return undefined
}
