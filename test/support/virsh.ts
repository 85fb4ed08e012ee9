/**
 * The virsh program for tests that use libvirt's test driver: NEAT_TEST_VIRSH (set by
 * .ci/services/libvirt.sh), else `virsh` on the PATH. Skips locally without it; fails under CI.
 */
import { spawnSync } from "node:child_process"
import { type Requirement, serverEnv } from "./requirement.js"

/** The virsh command to run. */
export const requireVirsh = (): Requirement<string> => {
  const fromEnv = process.env.NEAT_TEST_VIRSH
  if (fromEnv === undefined || fromEnv === "") {
    const probe = spawnSync("virsh", ["--version"], { encoding: "utf8" })
    if (probe.status === 0) return { ok: true, value: "virsh" }
  }
  const env = serverEnv(["NEAT_TEST_VIRSH"], "the libvirt test-driver tests need virsh (install libvirt-clients)")
  return env.ok ? { ok: true, value: env.value.NEAT_TEST_VIRSH } : env
}

/** A libvirt test-driver node: 4 CPUs at 2500 MHz, 8 GiB, vm-a running, vm-b paused, vm-off shut off. */
export const testNodeXml = `<node>
  <cpu>
    <nodes>1</nodes>
    <sockets>1</sockets>
    <cores>4</cores>
    <threads>1</threads>
    <active>4</active>
    <mhz>2500</mhz>
    <model>x86_64</model>
  </cpu>
  <memory>8388608</memory>
  <domain type="test" xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
    <name>vm-a</name>
    <uuid>aaaaaaaa-0000-0000-0000-000000000001</uuid>
    <memory>1048576</memory>
    <vcpu>1</vcpu>
    <os><type>hvm</type></os>
  </domain>
  <domain type="test" xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
    <name>vm-b</name>
    <uuid>aaaaaaaa-0000-0000-0000-000000000002</uuid>
    <memory>2097152</memory>
    <vcpu>2</vcpu>
    <os><type>hvm</type></os>
    <test:runstate>3</test:runstate>
  </domain>
  <domain type="test" xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
    <name>vm-off</name>
    <uuid>aaaaaaaa-0000-0000-0000-000000000003</uuid>
    <memory>1048576</memory>
    <vcpu>1</vcpu>
    <os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
</node>
`
