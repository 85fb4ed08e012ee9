/**
 * Reads a text file line by line, gzip or plain (told apart by the gzip magic bytes, not the name),
 * without ever holding the whole file: the data sets' files run to gigabytes. Each line goes to a
 * callback that may stop the read by returning an InputError (or `STOP` to end it early).
 */
import { createReadStream } from "node:fs"
import { open } from "node:fs/promises"
import type { Readable } from "node:stream"
import { createGunzip } from "node:zlib"
import { Effect } from "effect"
import { InputError } from "../../../core/errors.js"

/** Returned by a line callback to end the read without an error. */
export const STOP = "stop" as const

export type LineHandler = (line: string, lineNo: number) => InputError | typeof STOP | undefined

const reasonOf = (cause: unknown): string => {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : undefined
  if (code === "ENOENT") return "no such file"
  if (code === "EISDIR") return "is a directory"
  if (code === "EACCES") return "permission denied"
  if (code === "Z_DATA_ERROR" || code === "Z_BUF_ERROR") return "not valid gzip data"
  return cause instanceof Error ? cause.message : String(cause)
}

/** Whether a file starts with the gzip magic bytes 1f 8b. */
const isGzip = async (file: string): Promise<boolean> => {
  const handle = await open(file, "r")
  try {
    const head = Buffer.alloc(2)
    const { bytesRead } = await handle.read(head, 0, 2, 0)
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b
  } finally {
    await handle.close()
  }
}

const streamOf = async (file: string): Promise<Readable> => {
  // Opened after the probe: a stream opened first would emit its ENOENT with no listener.
  const gzip = await isGzip(file)
  const raw = createReadStream(file, { highWaterMark: 1 << 20 })
  if (!gzip) return raw
  const gunzip = createGunzip({ chunkSize: 1 << 20 })
  raw.on("error", (error) => gunzip.destroy(error))
  return raw.pipe(gunzip)
}

/**
 * Calls `onLine` with every line of `file` (1-based numbers, line endings and a UTF-8 BOM removed),
 * streaming; a truncated gzip file or a read failure is an InputError naming the file.
 */
export const forEachLine = (file: string, onLine: LineHandler): Effect.Effect<void, InputError> =>
  Effect.tryPromise({
    try: async (): Promise<InputError | undefined> => {
      const stream = await streamOf(file)
      stream.setEncoding("utf8")
      let rest = ""
      let lineNo = 0
      try {
        for await (const chunk of stream as AsyncIterable<string>) {
          let text = rest === "" ? chunk : rest + chunk
          if (lineNo === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
          let start = 0
          let end = text.indexOf("\n", start)
          while (end !== -1) {
            lineNo++
            const line =
              end > start && text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end)
            const verdict = onLine(line, lineNo)
            if (verdict !== undefined) return verdict === STOP ? undefined : verdict
            start = end + 1
            end = text.indexOf("\n", start)
          }
          rest = text.slice(start)
        }
        if (rest !== "") {
          lineNo++
          const verdict = onLine(rest.endsWith("\r") ? rest.slice(0, -1) : rest, lineNo)
          if (verdict !== undefined && verdict !== STOP) return verdict
        }
        return undefined
      } finally {
        stream.destroy()
      }
    },
    catch: (cause) => new InputError({ file, message: `cannot read the trace: ${reasonOf(cause)}` })
  }).pipe(Effect.flatMap((failure) => (failure === undefined ? Effect.void : Effect.fail(failure))))

/** The first line of a file (gzip or plain), or undefined for an empty file. */
export const firstLine = (file: string): Effect.Effect<string | undefined, InputError> =>
  Effect.suspend(() => {
    let found: string | undefined
    return forEachLine(file, (line) => {
      found = line
      return STOP
    }).pipe(Effect.map(() => found))
  })
