// `node --import <this file>`: appends the URL of every module the process loads to the file named
// by NEAT_RECORD_LOADS (plain JavaScript: it runs before any TypeScript loader).
import { register } from "node:module"

register("./hooks.mjs", import.meta.url)
