/**
 * Where Neat's own files are, from the sources or from the compiled build alike: this module sits
 * directly in src/, and the build (scripts/build.mjs) writes every file directly in dist/, so one
 * level up is the package's root either way.
 */

// scripts/build.mjs defines NEAT_COMPILED; the sources run through tsx or vitest leave it undefined.
declare const NEAT_COMPILED: boolean | undefined

/** The package's root folder (holding package.json, config/, dist/). */
export const packageRoot: URL = new URL("../", import.meta.url)

/** Whether this code runs from dist/ rather than from the TypeScript sources. */
export const isCompiled: boolean = typeof NEAT_COMPILED === "boolean" && NEAT_COMPILED

/** A compiled entry point of dist/ (scripts/build.mjs's `entryPoints`), by its output name. */
export const distFile = (name: string): URL => new URL(`dist/${name}.js`, packageRoot)
