/** What a local manager asks the global manager for: move VMs off one host. */

/** Why a host asks: it is underloaded (empty it and suspend it) or overloaded (move some VMs away). */
export type ReallocationReason = "underload" | "overload"

export interface ReallocationRequest {
  /** Name of the host that asks. */
  readonly host: string
  readonly reason: ReallocationReason
  /** The VMs to move for an overload; for an underload, the host's VMs as the local manager saw them. */
  readonly vmUuids: ReadonlyArray<string>
}

/** Neat's wire code for a reason: 0 underload, 1 overload. */
export const reasonCode = (reason: ReallocationReason): 0 | 1 => (reason === "underload" ? 0 : 1)

/** The reason for Neat's wire code, or undefined for any other value. */
export const reasonFromCode = (code: number): ReallocationReason | undefined =>
  code === 0 ? "underload" : code === 1 ? "overload" : undefined
