/**
 * Bundles a benchmark file for plain node, so that the measured process runs without the tsx
 * loader: `bench/x.bench.ts` becomes `.neat/x.bench.mjs`.
 */
import { createRequire } from "node:module"
import { basename, dirname, resolve } from "node:path"

/**
 * The bundle's path, or undefined when esbuild is not available. Packages named in `external`
 * (native ones: better-sqlite3) are loaded from node_modules at run time.
 */
export const bundleForNode = async (
  file: string,
  external: ReadonlyArray<string> = []
): Promise<string | undefined> => {
  try {
    const esbuild = (await import(createRequire(import.meta.url).resolve("esbuild"))) as {
      buildSync: (options: Record<string, unknown>) => unknown
    }
    const out = resolve(dirname(file), "../.neat", basename(file).replace(/\.ts$/, ".mjs"))
    esbuild.buildSync({
      entryPoints: [file],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "warning",
      external: [...external],
      // CommonJS dependencies (ws, pg, ...) call `require` for node's own modules.
      banner: {
        js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);'
      }
    })
    return out
  } catch {
    return undefined
  }
}
