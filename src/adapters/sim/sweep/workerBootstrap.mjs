// Entry of a sweep worker thread. Threads started from a process already running TypeScript
// (through tsx) load worker.ts directly; others register tsx first. The first attempt uses its
// own URL, since Node caches a failed import by URL.
const worker = new URL("./worker.ts", import.meta.url)
try {
  await import(`${worker.href}?direct`)
} catch (error) {
  if (error?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error
  const { register } = await import("tsx/esm/api")
  register()
  await import(worker.href)
}
