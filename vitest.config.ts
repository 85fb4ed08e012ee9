import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 600_000,
    reporters: ["default", "json"],
    outputFile: { json: ".neat/test-results.json" }
  }
})
