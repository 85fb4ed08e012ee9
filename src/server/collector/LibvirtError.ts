/** Failures talking to libvirt through virsh. */
import { Data } from "effect"

/** A virsh command failed or printed something we cannot read; `command` is what was run. */
export class LibvirtError extends Data.TaggedError("LibvirtError")<{
  readonly command: string
  readonly message: string
  readonly cause?: unknown
}> {}
