/**
 * `--vm-order FILE`: the order in which a trace's VMs are numbered, one `index,filename` line per
 * VM, indices 0..n-1 in any line order (CloudSim numbers PlanetLab VMs by its directory listing;
 * this file reproduces that order). An order may list a subset of the trace's VMs: only those are
 * simulated.
 */
import { readFile } from "node:fs/promises"
import { Effect, Either } from "effect"
import { InputError } from "../../../core/errors.js"
import type { Trace } from "../Trace.js"

/**
 * Parses an order file's text into VM names in index order. With `known`, every name must be
 * one of them.
 */
export const parseVmOrder = (
  text: string,
  file: string,
  known?: ReadonlyArray<string>
): Either.Either<ReadonlyArray<string>, InputError> => {
  const fail = (line: number | undefined, field: string | undefined, message: string) =>
    Either.left(new InputError({ file, line, field, message }))
  const knownNames = known === undefined ? undefined : new Set(known)
  const byIndex = new Map<number, { name: string; line: number }>()
  const lineOfName = new Map<string, number>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const content = (lines[i] ?? "").replace(/^\uFEFF/, "").trim()
    if (content === "" || content.startsWith("#")) continue
    const fields = content.split(",").map((field) => field.trim())
    if (byIndex.size === 0 && fields[0]?.toLowerCase() === "index") continue
    if (fields.length !== 2)
      return fail(lineNo, "columns", `expected 'index,filename', found ${fields.length} column(s)`)
    const [indexText = "", name = ""] = fields
    if (!/^\d+$/.test(indexText)) {
      return fail(lineNo, "index", `not a VM index: '${indexText}' (expected a non-negative integer)`)
    }
    const index = Number(indexText)
    if (name === "") return fail(lineNo, "filename", "empty file name")
    if (name.includes("/")) return fail(lineNo, "filename", `not a file name: '${name}'`)
    const clash = byIndex.get(index)
    if (clash !== undefined) return fail(lineNo, "index", `index ${index} is given twice (also on line ${clash.line})`)
    const twice = lineOfName.get(name)
    if (twice !== undefined) return fail(lineNo, "filename", `'${name}' already listed on line ${twice}`)
    if (knownNames !== undefined && !knownNames.has(name))
      return fail(lineNo, "filename", `'${name}' is not in the trace`)
    byIndex.set(index, { name, line: lineNo })
    lineOfName.set(name, lineNo)
  }
  if (byIndex.size === 0) return fail(undefined, undefined, "no VM listed")
  const names = new Array<string>(byIndex.size)
  for (let index = 0; index < byIndex.size; index++) {
    const entry = byIndex.get(index)
    if (entry === undefined) {
      let largest = 0
      for (const key of byIndex.keys()) largest = Math.max(largest, key)
      return fail(
        undefined,
        "index",
        `indices must be 0..${byIndex.size - 1}: ${index} is missing (largest is ${largest})`
      )
    }
    names[index] = entry.name
  }
  return Either.right(names)
}

/** Reads and parses an order file. */
export const readVmOrder = (
  file: string,
  known?: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<string>, InputError> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new InputError({
        file,
        message: `cannot read the VM order: ${cause instanceof Error ? cause.message : String(cause)}`
      })
  }).pipe(Effect.flatMap((text) => parseVmOrder(text, file, known)))

/** The trace's VMs renumbered (and possibly narrowed) to `order`, names the trace must hold. */
export const applyVmOrder = (trace: Trace, order: ReadonlyArray<string>): Trace => {
  const position = new Map<string, number>()
  trace.names.forEach((name, v) => {
    position.set(name, v)
  })
  const { samples } = trace
  const cpu = new Float64Array(order.length * samples)
  const ramMb = trace.ramMb === undefined ? undefined : new Float64Array(order.length)
  const vmMips = trace.vmMips === undefined ? undefined : new Float64Array(order.length)
  const lifetimes =
    trace.lifetimes === undefined
      ? undefined
      : { arrival: new Int32Array(order.length), departure: new Int32Array(order.length) }
  order.forEach((name, v) => {
    const from = position.get(name)
    if (from === undefined) throw new RangeError(`VM '${name}' is not in the trace`)
    cpu.set(trace.cpu.subarray(from * samples, (from + 1) * samples), v * samples)
    if (ramMb !== undefined && trace.ramMb !== undefined) ramMb[v] = trace.ramMb[from] ?? 0
    if (vmMips !== undefined && trace.vmMips !== undefined) vmMips[v] = trace.vmMips[from] ?? 0
    if (lifetimes !== undefined && trace.lifetimes !== undefined) {
      lifetimes.arrival[v] = trace.lifetimes.arrival[from] ?? 0
      lifetimes.departure[v] = trace.lifetimes.departure[from] ?? samples
    }
  })
  return {
    names: [...order],
    intervalSec: trace.intervalSec,
    samples,
    cpu,
    ...(ramMb === undefined ? {} : { ramMb }),
    ...(vmMips === undefined ? {} : { vmMips }),
    ...(lifetimes === undefined ? {} : { lifetimes })
  }
}
