# Sourced by .ci/run: OpenIPMI's BMC simulator (ipmi_sim) on 127.0.0.1 for the IPMI wake tests.
# Installs Debian's openipmi and ipmitool when missing, writes a minimal lan.conf and emulator
# command file under $NEAT_CI_STATE/ipmi, and exports NEAT_TEST_IPMI_PORT, NEAT_TEST_IPMI_USER,
# NEAT_TEST_IPMI_PASSWORD and NEAT_TEST_IPMI_POWER_FILE (the simulated chassis's power state, "on"
# or "off", which a test's compute host follows). Registers the simulator's stop by pid.
# NEAT_IPMI_PORT chooses the UDP port (56230 unless set).
neat_ipmi_setup() {
  : "${NEAT_CI_STATE:?NEAT_CI_STATE is not set}"
  local state="$NEAT_CI_STATE/ipmi"
  local port="${NEAT_IPMI_PORT:-56230}"
  if ! command -v ipmi_sim >/dev/null 2>&1 || ! command -v ipmitool >/dev/null 2>&1; then
    echo "ipmi: installing Debian's openipmi and ipmitool"
    if [ -z "${NEAT_APT_UPDATED:-}" ]; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || return 1
      export NEAT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends openipmi ipmitool >/dev/null || return 1
  fi
  # A simulator left running by an interrupted run would hold the port: stop it first.
  if [ -f "$state/ipmi_sim.pid" ]; then
    kill "$(cat "$state/ipmi_sim.pid")" 2>/dev/null || true
    sleep 0.5
  fi
  rm -rf "$state"
  mkdir -p "$state/persist"
  echo off >"$state/power"

  # ipmi_sim asks this program for the chassis's power and hands it power changes; a soft
  # shutdown ("set shutdown 1") powers off, as the host's OS would.
  cat >"$state/chassis" <<CHASSIS
#!/bin/sh
power_file='$state/power'
op=\$2
shift 2
case \$op in
  get)
    for parameter in "\$@"; do
      case \$parameter in
        power) if [ "\$(cat "\$power_file")" = on ]; then echo power:1; else echo power:0; fi ;;
      esac
    done ;;
  set)
    while [ \$# -gt 1 ]; do
      case \$1 in
        power) if [ "\$2" = 1 ]; then echo on >"\$power_file"; else echo off >"\$power_file"; fi ;;
        shutdown) [ "\$2" = 1 ] && echo off >"\$power_file" ;;
      esac
      shift 2
    done ;;
esac
exit 0
CHASSIS
  chmod 755 "$state/chassis"

  cat >"$state/lan.conf" <<LAN
name "neat-test-bmc"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 $port
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "$state/chassis 0x20"
  user 2 true "neat" "ipmi-test" admin 10 none md2 md5 straight
LAN
  cat >"$state/bmc.emu" <<EMU
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EMU

  ipmi_sim -c "$state/lan.conf" -f "$state/bmc.emu" -s "$state/persist" -n >"$state/ipmi_sim.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$state/ipmi_sim.pid"
  register_stop "kill $pid 2>/dev/null"

  # Cipher suite 3 given: ipmi_sim does not answer ipmitool's cipher suite probe (10 s lost).
  local i
  for i in $(seq 1 40); do
    ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U neat -P ipmi-test chassis power status >/dev/null 2>&1 && break
    sleep 0.25
  done
  ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U neat -P ipmi-test chassis power status >/dev/null 2>&1 || {
    echo "ipmi: ipmi_sim not answering"
    cat "$state/ipmi_sim.log"
    return 1
  }
  export NEAT_TEST_IPMI_PORT="$port"
  export NEAT_TEST_IPMI_USER=neat
  export NEAT_TEST_IPMI_PASSWORD=ipmi-test
  export NEAT_TEST_IPMI_POWER_FILE="$state/power"
  echo "ipmi: ipmi_sim on 127.0.0.1:$port"
}
neat_ipmi_setup || echo "ipmi: setup failed; the IPMI tests will fail"
unset -f neat_ipmi_setup
