import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 600_000,
    // Builds dist/ when a source changed since the last build: the CLI tests run the compiled CLI.
    globalSetup: ["test/support/globalSetup.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".neat/test-results.json" }
  }
})
