/** The project's root directory (where package.json is), for tests that name files by path. */
import { fileURLToPath } from "node:url"

export const projectRoot = fileURLToPath(new URL("../..", import.meta.url))
