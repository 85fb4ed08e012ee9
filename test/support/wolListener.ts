/** A UDP socket on 127.0.0.1 that collects what arrives, to check Wake-on-LAN packets. */
import { createSocket, type Socket } from "node:dgram"

export interface ReceivedPacket {
  readonly bytes: Buffer
  readonly fromAddress: string
}

export interface WolListener {
  readonly port: number
  readonly packets: Array<ReceivedPacket>
  readonly close: () => Promise<void>
  /** Resolves once `count` packets arrived, or rejects after `timeoutMs`. */
  readonly waitFor: (count: number, timeoutMs: number) => Promise<void>
}

export const listenForWol = async (onPacket?: (packet: ReceivedPacket) => void): Promise<WolListener> => {
  const socket: Socket = createSocket("udp4")
  const packets: Array<ReceivedPacket> = []
  socket.on("message", (bytes, remote) => {
    const packet = { bytes, fromAddress: remote.address }
    packets.push(packet)
    onPacket?.(packet)
  })
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve))
  return {
    port: socket.address().port,
    packets,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    waitFor: async (count, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      while (packets.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} packet(s), got ${packets.length}`)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    }
  }
}

/** The magic packet for `mac`, built independently of the code under test. */
export const expectedMagicPacket = (mac: string): Buffer => {
  const bytes = mac.split(/[:-]/).map((part) => Number.parseInt(part, 16))
  return Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...Array.from({ length: 16 }, () => bytes).flat()])
}
