import { execFileSync } from "node:child_process"
import { assert, describe, it } from "vitest"
import { commandLine, quoteArgument } from "../../../src/adapters/nova/RemoteShell.js"

describe("RemoteShell command lines", () => {
  it("leaves plain words alone and single-quotes everything else", () => {
    assert.strictEqual(quoteArgument("pm-suspend"), "pm-suspend")
    assert.strictEqual(quoteArgument("/usr/bin/systemctl"), "/usr/bin/systemctl")
    assert.strictEqual(quoteArgument("a b"), "'a b'")
    assert.strictEqual(quoteArgument("it's"), "'it'\\''s'")
    assert.strictEqual(quoteArgument(""), "''")
  })

  it("reaches a POSIX shell as exactly the arguments given", () => {
    const argv = ["printf", "%s\\n", "a b", "it's", "$HOME", "`id`", "x;y", "*", "new\nline"]
    const out = execFileSync("sh", ["-c", commandLine(argv)], { encoding: "utf8" })
    assert.strictEqual(out, "a b\nit's\n$HOME\n`id`\nx;y\n*\nnew\nline\n")
  })
})
