# Sourced by .ci/run: Debian's chromium for the dashboard's browser test (driven by playwright-core
# over the DevTools protocol; no browser download). Installs it when missing and exports
# NEAT_TEST_CHROMIUM. Nothing to stop: each test starts and closes its own browser.
neat_chromium_setup() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "chromium: installing Debian's chromium"
    if [ -z "${NEAT_APT_UPDATED:-}" ]; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || return 1
      export NEAT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null || return 1
  fi
  export NEAT_TEST_CHROMIUM=/usr/bin/chromium
}
neat_chromium_setup || echo "chromium: setup failed; the dashboard's browser test will fail under CI"
