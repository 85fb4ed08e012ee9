# Sourced by .ci/run: the collector tests drive virsh against libvirt's test driver
# (test:///default or a node XML file), which needs no daemon: only the client is installed.
neat_libvirt_setup() {
  if ! command -v virsh >/dev/null 2>&1; then
    echo "libvirt: installing Debian's libvirt-clients"
    if [ -z "${NEAT_APT_UPDATED:-}" ]; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || return 1
      export NEAT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends libvirt-clients >/dev/null || return 1
  fi
  NEAT_TEST_VIRSH="$(command -v virsh)"
  export NEAT_TEST_VIRSH
  echo "libvirt: $NEAT_TEST_VIRSH ($(virsh --version))"
}
neat_libvirt_setup || echo "libvirt: setup failed; the libvirt collector tests will fail"
unset -f neat_libvirt_setup
