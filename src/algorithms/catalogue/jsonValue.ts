/** Whether a value survives JSON unchanged: the state contract of every algorithm. */

/** The path of the first part of `value` that JSON cannot carry (`""` for the value itself), or undefined. */
export const nonJsonPath = (value: unknown, path = ""): string | undefined => {
  if (value === null || typeof value === "boolean" || typeof value === "string") return undefined
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = nonJsonPath(value[i], `${path}[${i}]`)
      if (bad !== undefined) return bad
    }
    return undefined
  }
  if (typeof value === "object") {
    const prototype = Object.getPrototypeOf(value)
    if (prototype !== Object.prototype && prototype !== null) return path
    for (const [key, item] of Object.entries(value)) {
      const bad = nonJsonPath(item, path === "" ? key : `${path}.${key}`)
      if (bad !== undefined) return bad
    }
    return undefined
  }
  return path
}

/** A short rendering of any value for an error message. */
export const showValue = (value: unknown): string => {
  if (value === undefined) return "undefined"
  if (typeof value === "function") return `a function${value.name === "" ? "" : ` (${value.name})`}`
  if (typeof value === "bigint" || typeof value === "symbol") return String(value)
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    text = undefined
  }
  if (text === undefined) return Object.prototype.toString.call(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
