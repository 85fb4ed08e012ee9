/**
 * Writers of small inputs in the public data sets' own formats, for the reader tests: the columns,
 * separators and file names as the data sets ship them (see docs/traces.md).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { gzipSync } from "node:zlib"

export const writeText = (file: string, lines: ReadonlyArray<string>, gzip = false): string => {
  const text = `${lines.join("\n")}\n`
  writeFileSync(file, gzip ? gzipSync(text) : text)
  return file
}

/** An Azure VM table row: id, subscription, deployment, created, deleted, max, avg, p95, category, cores, memory. */
export const azureVm = (id: string, created: number, deleted: number, cores: string, memoryGb: string): string =>
  [id, "sub", "dep", created, deleted, 90, 20, 80, "Interactive", cores, memoryGb].join(",")

/** An Azure reading: timestamp, vmid, min, max, avg. */
export const azureReading = (time: number, id: string, avg: number): string =>
  [time, id, Math.max(0, avg - 1), avg + 1, avg].join(",")

export const writeAzure = (
  dir: string,
  vmTable: ReadonlyArray<string>,
  shards: ReadonlyArray<ReadonlyArray<string>>,
  gzip = true
): string => {
  mkdirSync(dir, { recursive: true })
  writeText(join(dir, gzip ? "vmtable.csv.gz" : "vmtable.csv"), vmTable, gzip)
  shards.forEach((rows, i) => {
    writeText(join(dir, `vm_cpu_readings-file-${i + 1}-of-${shards.length}.csv${gzip ? ".gz" : ""}`), rows, gzip)
  })
  return dir
}

export const GWA_HEADER =
  "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]"

/** A GWA row as the files hold it (timestamps in seconds, ';' + tab separated). */
export const gwaRow = (time: number, cores: number, mhz: number, percent: number, memoryKb: number): string =>
  [time, cores, mhz, (mhz * percent) / 100, percent, memoryKb, memoryKb / 2, 0, 1.5, 0.2, 0.1].join(";\t")

/** An Alibaba container_usage row (11 columns). */
export const alibabaUsage = (id: string, time: number, percent: number | ""): string =>
  [id, "m_1", time, percent, 40, 1.1, 2, 3, 10, 11, ""].join(",")

/** An Alibaba container_meta row (8 columns). */
export const alibabaMeta = (id: string, time: number, cpuRequest: number): string =>
  [id, "m_1", time, "app_1", "started", cpuRequest, cpuRequest, 3.13].join(",")

/** A Google 2011-2 task_usage row (20 columns; times in seconds, written in microseconds). */
export const googleUsage = (
  startSec: number,
  endSec: number,
  job: number,
  task: number,
  rate: number,
  max: number | ""
): string =>
  [
    startSec * 1e6,
    endSec * 1e6,
    job,
    task,
    4820,
    rate,
    0.01,
    0.02,
    0.001,
    0.002,
    0.03,
    0.0001,
    0.00005,
    max,
    0.001,
    1.5,
    0.004,
    1,
    0,
    rate
  ].join(",")
