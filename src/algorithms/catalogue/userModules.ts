/**
 * Loads a user's algorithm factory named `MODULE#EXPORT`. MODULE is a path to a .ts, .mts, .js or
 * .mjs file (relative to `baseDir`, the current directory by default) or an installed package
 * (resolved from `baseDir`). TypeScript is compiled on the fly by tsx, so the user needs no build
 * step. Every way this can fail is a ConfigError naming the reference and the problem.
 */
import { createHash } from "node:crypto"
import { existsSync, readFileSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, extname, isAbsolute, join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Effect, Either } from "effect"
import { ConfigError } from "../../core/errors.js"
import { showValue } from "./jsonValue.js"
import type { UserFactory } from "./loadedModules.js"
import { splitReference } from "./reference.js"

export type { UserFactory } from "./loadedModules.js"

const moduleExtensions: ReadonlyArray<string> = [".ts", ".mts", ".js", ".mjs"]

// A bundled sweep worker cannot carry tsx inside it (tsx finds its loader beside its own file), so
// the bundler defines NEAT_TSX_API as the URL of the installed tsx API (see workerBundle.ts).
declare const NEAT_TSX_API: string | undefined

interface TsxApi {
  readonly tsImport: (specifier: string, options: { readonly parentURL: string }) => Promise<Record<string, unknown>>
}

/** The URL of tsx's programmatic API as installed beside Neat. */
export const tsxApiUrl = (): string =>
  pathToFileURL(join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/esm/api/index.mjs"))
    .href

let tsx: Promise<TsxApi> | undefined
const loadTsx = (): Promise<TsxApi> => {
  if (tsx === undefined) {
    const specifier: string = typeof NEAT_TSX_API === "string" ? NEAT_TSX_API : "tsx/esm/api"
    tsx = import(specifier) as Promise<TsxApi>
  }
  return tsx
}

const looksLikePath = (module: string): boolean =>
  module.startsWith(".") ||
  module.startsWith("/") ||
  module.startsWith("file:") ||
  /^[A-Za-z]:[\\/]/.test(module) ||
  /\.(?:[cm]?[jt]sx?|json)$/.test(module)

const packageName = (module: string): string => {
  const parts = module.split("/")
  return module.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? module)
}

interface ModuleLocation {
  /** What tsx imports. */
  readonly specifier: string
  /** The directory a bare specifier is resolved from. */
  readonly parentURL: string
  /** The file whose bytes are hashed. */
  readonly path: string
}

const locate = (ref: string, module: string, baseDir: string): Either.Either<ModuleLocation, ConfigError> => {
  const fail = (message: string) => Either.left(new ConfigError({ field: ref, message }))
  if (looksLikePath(module)) {
    const path = module.startsWith("file:")
      ? fileURLToPath(module)
      : isAbsolute(module)
        ? module
        : resolve(baseDir, module)
    if (!moduleExtensions.includes(extname(path))) {
      return fail(`the module must be a ${moduleExtensions.join(", ")} file or a package name, got ${module}`)
    }
    if (!existsSync(path) || !statSync(path).isFile()) return fail(`no such module file: ${path}`)
    return Either.right({ specifier: pathToFileURL(path).href, parentURL: pathToFileURL(path).href, path })
  }
  const name = packageName(module)
  for (let dir = baseDir; ; dir = dirname(dir)) {
    const packageDir = join(dir, "node_modules", name)
    if (existsSync(join(packageDir, "package.json"))) {
      let path = join(packageDir, "package.json")
      try {
        path = createRequire(join(baseDir, "noop.js")).resolve(module)
      } catch {
        // An ESM-only package has no `require` entry: its package.json stands in for the hash.
      }
      return Either.right({ specifier: module, parentURL: pathToFileURL(join(baseDir, "noop.js")).href, path })
    }
    if (dirname(dir) === dir) break
  }
  return fail(`no installed package "${name}" (looked in node_modules from ${baseDir} up)`)
}

const describeCause = (cause: unknown): string => {
  const message = cause instanceof Error ? cause.message : String(cause)
  return message.split("\n")[0] ?? message
}

const namespaces = new Map<string, Promise<Record<string, unknown>>>()

const importModule = (location: ModuleLocation): Promise<Record<string, unknown>> => {
  const key = `${location.parentURL}\u0000${location.specifier}`
  let loading = namespaces.get(key)
  if (loading === undefined) {
    loading = loadTsx().then((api) => api.tsImport(location.specifier, { parentURL: location.parentURL }))
    // A failed load is not cached: the user may fix the file and retry in the same process.
    loading.catch(() => namespaces.delete(key))
    namespaces.set(key, loading)
  }
  return loading
}

/** Loads `MODULE#EXPORT` (parameters after the export, if any, are ignored) and checks that the export is a factory. */
export const loadUserFactory = (ref: string, baseDir?: string): Effect.Effect<UserFactory, ConfigError> =>
  Effect.gen(function* () {
    const parsed = yield* splitReference(ref, "algorithm")
    if (parsed.kind !== "user") {
      return yield* new ConfigError({ field: "algorithm", message: `"${ref}" is not a MODULE#EXPORT reference` })
    }
    const location = yield* locate(parsed.ref, parsed.module, baseDir ?? process.cwd())
    const namespace = yield* Effect.tryPromise({
      try: () => importModule(location),
      catch: (cause) =>
        new ConfigError({ field: parsed.ref, message: `the module failed to load: ${describeCause(cause)}` })
    })
    const exported = namespace[parsed.exportName]
    if (exported === undefined) {
      const names = Object.keys(namespace).filter(
        (name) => name !== "default" || typeof namespace.default === "function"
      )
      return yield* new ConfigError({
        field: parsed.ref,
        message: `the module has no export named ${parsed.exportName} (it exports: ${names.length === 0 ? "nothing" : names.join(", ")})`
      })
    }
    if (typeof exported !== "function") {
      return yield* new ConfigError({
        field: parsed.ref,
        message: `${parsed.exportName} is not a factory: it is ${showValue(exported)}; export a function (params, ctx) => algorithm`
      })
    }
    const contentHash = yield* Effect.try({
      try: () => `sha256:${createHash("sha256").update(readFileSync(location.path)).digest("hex")}`,
      catch: (cause) =>
        new ConfigError({ field: parsed.ref, message: `cannot read the module: ${describeCause(cause)}` })
    })
    return {
      ref: parsed.ref,
      path: location.path,
      exportName: parsed.exportName,
      contentHash,
      factory: exported as UserFactory["factory"]
    }
  })
