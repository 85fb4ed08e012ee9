import { Either } from "effect"
import { describe, expect, it } from "vitest"
import {
  parseCpuStatsTotal,
  parseDomainList,
  parseDominfoCpuTime,
  parseDomstatsCpuTime,
  parseNodeInfo
} from "../../../src/server/collector/virshOutput.js"

// Recorded from virsh 9.0.0 (Debian 12) against test:///default and a QEMU host.
const nodeinfo = `CPU model:           i686
CPU(s):              16
CPU frequency:       1400 MHz
CPU socket(s):       2
Core(s) per socket:  2
Thread(s) per core:  2
NUMA cell(s):        2
Memory size:         3145728 KiB

`
const dominfo = `Id:             1
Name:           test
UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f
OS Type:        linux
State:          running
CPU(s):         2
CPU time:       1795576305.3s
Max memory:     8388608 KiB
`
const cpuStats = `Total:
\tcpu_time            48.772617035 seconds
\tuser_time            5.540000000 seconds
\tsystem_time          6.460000000 seconds
`
const domstats = `Domain: 'instance-00000001'
  cpu.time=123456789012
  cpu.user=100000000000
  cpu.system=20000000000

Domain: 'test'

Domain: 'instance 2'
  cpu.time=5
`

describe("virsh output", () => {
  it("lists domains as UUID and name", () => {
    expect(
      parseDomainList("6695eb01-f6a4-8304-79aa-97f2502e193f test\nAAAAAAAA-0000-0000-0000-000000000002 my vm\n\n")
    ).toEqual(
      Either.right([
        { uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", name: "test" },
        { uuid: "aaaaaaaa-0000-0000-0000-000000000002", name: "my vm" }
      ])
    )
    expect(parseDomainList("\n")).toEqual(Either.right([]))
    expect(parseDomainList(" Id   Name   State\n")).toEqual(Either.left("not a domain UUID line: 'Id   Name   State'"))
  })

  it("reads the node's CPUs, clock and memory", () => {
    expect(parseNodeInfo(nodeinfo)).toEqual(Either.right({ cpus: 16, mhz: 1400, memoryMb: 3072 }))
    expect(parseNodeInfo("CPU(s): 4\n")).toEqual(Either.left("nodeinfo gives no 'CPU frequency'"))
    expect(parseNodeInfo("")).toEqual(Either.left("nodeinfo gives no 'CPU(s)' count"))
  })

  it("reads cumulative CPU time in ns from domstats, cpu-stats and dominfo", () => {
    expect([...parseDomstatsCpuTime(domstats)]).toEqual([
      ["instance-00000001", 123456789012],
      ["instance 2", 5]
    ])
    expect(parseCpuStatsTotal(cpuStats)).toEqual(Either.right(48772617035))
    expect(parseDominfoCpuTime(dominfo)).toEqual(Either.right(1795576305.3e9))
    expect(parseCpuStatsTotal("Total:\n")).toEqual(Either.left("cpu-stats gives no cpu_time"))
    expect(parseDominfoCpuTime("State: running\n")).toEqual(Either.left("dominfo gives no 'CPU time'"))
  })
})
