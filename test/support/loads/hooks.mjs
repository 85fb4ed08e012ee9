// Module hooks for record.mjs: each loaded module's URL, one per line.
import { appendFileSync } from "node:fs"

export const load = async (url, context, next) => {
  const file = process.env.NEAT_RECORD_LOADS
  if (file !== undefined && file !== "") appendFileSync(file, `${url}\n`)
  return next(url, context)
}
