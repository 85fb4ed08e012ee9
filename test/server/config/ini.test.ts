import { describe, expect, it } from "vitest"
import { parseIni } from "../../../src/server/config/ini.js"

describe("parseIni", () => {
  it("reads [DEFAULT] options with = or :, lower-cases names and skips comments", () => {
    const file = parseIni(
      "# comment\n[DEFAULT]\n; another\nLog_Level = 2\nsql_connection: sqlite:///a.db\nempty =\n",
      "n.conf"
    )
    expect(file.errors).toEqual([])
    expect(file.entries).toEqual([
      { name: "log_level", value: "2", line: 4 },
      { name: "sql_connection", value: "sqlite:///a.db", line: 5 },
      { name: "empty", value: "", line: 6 }
    ])
  })

  it("joins indented continuation lines to the value", () => {
    const file = parseIni(
      '[DEFAULT]\nalgorithm_vm_placement_parameters = {"cpu_threshold": 0.9,\n   "ram_threshold": 0.9}\n',
      "n.conf"
    )
    expect(file.entries[0]?.value).toBe('{"cpu_threshold": 0.9,\n"ram_threshold": 0.9}')
  })

  it("keeps a value containing = or : whole", () => {
    const file = parseIni("[DEFAULT]\nsql_connection = postgresql://u:p@h:5432/db?x=1\n", "n.conf")
    expect(file.entries[0]?.value).toBe("postgresql://u:p@h:5432/db?x=1")
  })

  it("reports options before any section, other sections and lines that are not options, with file:line", () => {
    const file = parseIni("log_level = 1\n[DEFAULT]\nthis is not an option\n[manager]\nport = 1\n", "n.conf")
    expect(file.entries).toEqual([])
    expect(file.errors.map((e) => [e.field, e.source, e.message])).toEqual([
      ["log_level", "n.conf:1", "option before any section header: start the file with [DEFAULT]"],
      ["this is not an option", "n.conf:3", "not an 'option = value' line"],
      ["[manager]", "n.conf:4", "unknown section: neat.conf options belong in [DEFAULT]"]
    ])
  })
})

describe("an option given twice in one file", () => {
  it("is refused, naming both lines, whatever the case of its name", () => {
    const parsed = parseIni("[DEFAULT]\nlog_level = 1\nsql_connection = sqlite://\n  more\nLOG_LEVEL = 3\n", "my.conf")
    expect(parsed.errors.map((error) => [error.field, error.message, error.source])).toEqual([
      ["log_level", "is given twice, at lines 2 and 5 of my.conf: keep one", "my.conf:5"]
    ])
    expect(parsed.entries.map((entry) => [entry.name, entry.value])).toEqual([
      ["log_level", "1"],
      ["sql_connection", "sqlite://\nmore"]
    ])
  })

  it("may still override the defaults from another file", () => {
    expect(parseIni("[DEFAULT]\nlog_level = 1\n", "a.conf").errors).toEqual([])
    expect(parseIni("[DEFAULT]\nlog_level = 2\n", "b.conf").errors).toEqual([])
  })
})
