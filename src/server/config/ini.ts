/**
 * Reads neat.conf files: Python ConfigParser's INI dialect as OpenStack Neat uses it. Options live in
 * `[DEFAULT]`; `name = value` or `name: value`; names are case-insensitive; `#` and `;` start comment
 * lines; an indented line continues the previous value. (Neat's `%(name)s` interpolation is not done.)
 * An option given twice in one file is an error naming both lines, as in ConfigParser's strict mode:
 * silently taking the last one hides a mistake.
 */
import { ConfigError } from "../../core/errors.js"

/** One option as written in a file. */
export interface IniEntry {
  /** Lower-cased option name. */
  readonly name: string
  readonly value: string
  /** 1-based line of the option's name. */
  readonly line: number
}

export interface IniFile {
  readonly entries: ReadonlyArray<IniEntry>
  readonly errors: ReadonlyArray<ConfigError>
}

const optionLine = /^([^=:\s][^=:]*?)\s*[=:]\s?(.*)$/
const sectionLine = /^\[([^\]]*)\]\s*$/

/** Parses one file's text; `file` names it in errors (as `file:line`). */
export const parseIni = (text: string, file: string): IniFile => {
  const entries: Array<{ name: string; value: string; line: number }> = []
  const firstLine = new Map<string, number>()
  const errors: Array<ConfigError> = []
  let section: string | undefined
  let current: { name: string; value: string; line: number } | undefined
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const lineNumber = index + 1
    const where = `${file}:${lineNumber}`
    if (raw.trim() === "" || /^\s*[#;]/.test(raw)) {
      if (raw.trim() === "") current = undefined
      return
    }
    if (/^\s/.test(raw) && current !== undefined) {
      current.value = `${current.value}\n${raw.trim()}`
      return
    }
    const trimmed = raw.trim()
    const header = sectionLine.exec(trimmed)
    if (header !== null) {
      section = header[1]!.trim()
      current = undefined
      if (section !== "DEFAULT") {
        errors.push(
          new ConfigError({
            field: `[${section}]`,
            message: "unknown section: neat.conf options belong in [DEFAULT]",
            source: where
          })
        )
      }
      return
    }
    const option = optionLine.exec(trimmed)
    if (option === null) {
      errors.push(
        new ConfigError({ field: trimmed.slice(0, 40), message: "not an 'option = value' line", source: where })
      )
      current = undefined
      return
    }
    if (section === undefined) {
      errors.push(
        new ConfigError({
          field: option[1]!.toLowerCase(),
          message: "option before any section header: start the file with [DEFAULT]",
          source: where
        })
      )
      current = undefined
      return
    }
    if (section !== "DEFAULT") {
      current = undefined
      return
    }
    const name = option[1]!.trim().toLowerCase()
    const first = firstLine.get(name)
    if (first !== undefined) {
      errors.push(
        new ConfigError({
          field: name,
          message: `is given twice, at lines ${first} and ${lineNumber} of ${file}: keep one`,
          source: where
        })
      )
      // Its continuation lines belong to it, not to the option before.
      current = { name, value: "", line: lineNumber }
      return
    }
    firstLine.set(name, lineNumber)
    current = { name, value: option[2]!.trim(), line: lineNumber }
    entries.push(current)
  })
  return { entries, errors }
}
