/**
 * A placement's active hosts as columns, offered beside `PlacementInput.hosts` to placers that can
 * read them. The global manager plans every request of a round against the same few hundred
 * hosts less the request's own: `columnarPlacementInput` describes that as the shared rows and
 * the row left out, and builds the `hosts` array only when a placer reads it. A placer that reads
 * the columns (`placementColumnsOf`) copies nothing and reads capacities from four typed arrays
 * instead of hundreds of scattered objects.
 *
 * The columns are bound to the input object the function returns: an input built from it (a
 * spread, a filtered copy) is not answered any, so a placer never reads columns that disagree
 * with `hosts`.
 */
import type { PlacementHost, PlacementInput } from "../types.js"

/** Capacities of a list of hosts, one typed array per field, row i being `hosts[i]`. */
export interface PlacementColumns {
  readonly hosts: ReadonlyArray<PlacementHost>
  readonly cpuMhz: Float64Array
  readonly cpuUsedMhz: Float64Array
  readonly ramMb: Float64Array
  readonly ramUsedMb: Float64Array
  /**
   * The columns these were derived from, while they may still be of use (`derivedPlacementColumns`):
   * a placer that keeps something per columns can derive its own the same way. Dropped as soon as
   * columns are derived from these, so that no chain of columns stays alive.
   */
  origin: ColumnsOrigin | undefined
}

/** Columns derived from others: `from[r]` is row r's row in `columns`, or -1 for a row read from its host. */
export interface ColumnsOrigin {
  readonly columns: PlacementColumns
  readonly from: Int32Array
}

/** The columns of `hosts` (one pass; the rows are the same objects). */
export const placementColumns = (hosts: ReadonlyArray<PlacementHost>): PlacementColumns => {
  const count = hosts.length
  const cpuMhz = new Float64Array(count)
  const cpuUsedMhz = new Float64Array(count)
  const ramMb = new Float64Array(count)
  const ramUsedMb = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const host = hosts[i]!
    cpuMhz[i] = host.cpuMhz
    cpuUsedMhz[i] = host.cpuUsedMhz
    ramMb[i] = host.ramMb
    ramUsedMb[i] = host.ramUsedMb
  }
  return { hosts, cpuMhz, cpuUsedMhz, ramMb, ramUsedMb, origin: undefined }
}

/**
 * The columns of `hosts`, which are `base.hosts` with a few rows dropped, replaced or added (row r
 * is row `from[r]` of `base`, the same host object, or a host to read when `from[r]` is -1): the
 * same values as `placementColumns(hosts)`, copied from `base` rather than read from thousands of
 * host objects.
 */
export const derivedPlacementColumns = (
  base: PlacementColumns,
  hosts: ReadonlyArray<PlacementHost>,
  from: Int32Array
): PlacementColumns => {
  const count = hosts.length
  if (from.length !== count) throw new RangeError(`${from.length} origins for ${count} hosts`)
  const cpuMhz = new Float64Array(count)
  const cpuUsedMhz = new Float64Array(count)
  const ramMb = new Float64Array(count)
  const ramUsedMb = new Float64Array(count)
  for (let r = 0; r < count; r++) {
    const b = from[r]!
    if (b >= 0) {
      cpuMhz[r] = base.cpuMhz[b]!
      cpuUsedMhz[r] = base.cpuUsedMhz[b]!
      ramMb[r] = base.ramMb[b]!
      ramUsedMb[r] = base.ramUsedMb[b]!
    } else {
      const host = hosts[r]!
      cpuMhz[r] = host.cpuMhz
      cpuUsedMhz[r] = host.cpuUsedMhz
      ramMb[r] = host.ramMb
      ramUsedMb[r] = host.ramUsedMb
    }
  }
  base.origin = undefined
  return { hosts, cpuMhz, cpuUsedMhz, ramMb, ramUsedMb, origin: { columns: base, from } }
}

/** An input's active hosts as columns: every row but `skip` (-1: none), in row order. */
export interface ColumnarHosts {
  readonly columns: PlacementColumns
  readonly skip: number
}

/** Where an input keeps its columns, with the input they were made for (a copy has another identity). */
const columnsKey = Symbol("placementColumns")

interface Attached extends ColumnarHosts {
  owner: PlacementInput | undefined
}

type WithColumns = PlacementInput & { readonly [columnsKey]?: Attached }

/** `rows` without row `skip`: the same array when `skip` is -1, else one exact-size copy. */
const rowsWithout = (rows: ReadonlyArray<PlacementHost>, skip: number): ReadonlyArray<PlacementHost> => {
  if (skip < 0) return rows
  const out = new Array<PlacementHost>(rows.length - 1)
  for (let i = 0; i < skip; i++) out[i] = rows[i]!
  for (let i = skip + 1; i < rows.length; i++) out[i - 1] = rows[i]!
  return out
}

/**
 * A placement input whose active hosts are the rows of `columns` but `skip` (-1: all of them).
 * `hosts` is built on first read and kept; `placementColumnsOf` answers the columns.
 */
export const columnarPlacementInput = (
  columns: PlacementColumns,
  skip: number,
  inactiveHosts: PlacementInput["inactiveHosts"],
  vms: PlacementInput["vms"]
): PlacementInput => {
  if (skip >= columns.hosts.length) throw new RangeError(`row ${skip} is not among ${columns.hosts.length} hosts`)
  let hosts: ReadonlyArray<PlacementHost> | undefined
  const attached: Attached = { columns, skip, owner: undefined }
  const input: WithColumns = {
    get hosts() {
      hosts ??= rowsWithout(columns.hosts, skip)
      return hosts
    },
    inactiveHosts,
    vms,
    [columnsKey]: attached
  }
  attached.owner = input
  return input
}

/** The columns `input` was built with by `columnarPlacementInput`, if it was. */
export const placementColumnsOf = (input: PlacementInput): ColumnarHosts | undefined => {
  const attached = (input as WithColumns)[columnsKey]
  return attached !== undefined && attached.owner === input ? attached : undefined
}

/** How many active hosts a columnar input offers. */
export const columnarHostCount = (hosts: ColumnarHosts): number =>
  hosts.columns.hosts.length - (hosts.skip >= 0 ? 1 : 0)
