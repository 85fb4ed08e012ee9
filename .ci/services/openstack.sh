# Sourced by .ci/run: a real Keystone + Nova (Debian's OpenStack packages, fake virt driver,
# four compute hosts) on 127.0.0.1 for the OpenStack adapter's integration tests. The first run
# on a fresh machine installs the packages (about 4-5 minutes); later runs take under 2 minutes.
# Exports NEAT_TEST_OS_AUTH_URL, NEAT_TEST_OS_USER, NEAT_TEST_OS_PASSWORD, NEAT_TEST_OS_PROJECT,
# NEAT_TEST_OS_DOMAIN and registers stop-fake-cloud.sh.
neat_openstack_start() {
  local shared
  local wanted="${NEAT_SHARED_DIR:-../shared}"
  shared="$(cd "$wanted" 2>/dev/null && pwd)/openstack"
  if [ ! -x "$shared/start-fake-cloud.sh" ]; then
    echo "openstack: $wanted/openstack/start-fake-cloud.sh not found (set NEAT_SHARED_DIR, or provide ../shared)"
    return 1
  fi
  export FAKE_CLOUD_DIR="${FAKE_CLOUD_DIR:-${NEAT_CI_STATE:?NEAT_CI_STATE is not set}/fake-cloud}"
  # compute1-3 serve the migration tests, compute4 the suspend/wake tests, compute5-6 the live-stack
  # test, compute7-8 the crash-recovery test, compute9-10 the server-group test (they run in parallel).
  export FAKE_CLOUD_COMPUTES="${FAKE_CLOUD_COMPUTES:-10}"
  # Faster resource audits so os-hypervisors usage follows migrations within seconds.
  export FAKE_CLOUD_RESOURCE_INTERVAL="${FAKE_CLOUD_RESOURCE_INTERVAL:-10}"
  # Register the stop first: a start that fails half-way still leaves processes to end.
  register_stop "FAKE_CLOUD_DIR='$FAKE_CLOUD_DIR' bash '$shared/stop-fake-cloud.sh'"
  echo "openstack: starting the fake cloud in $FAKE_CLOUD_DIR (log: $FAKE_CLOUD_DIR.log)"
  if ! bash "$shared/start-fake-cloud.sh" >"$FAKE_CLOUD_DIR.log" 2>&1; then
    tail -30 "$FAKE_CLOUD_DIR.log"
    echo "openstack: start-fake-cloud.sh failed"
    return 1
  fi
  tail -3 "$FAKE_CLOUD_DIR.log"
  export NEAT_TEST_OS_AUTH_URL="http://127.0.0.1:5000/v3"
  export NEAT_TEST_OS_USER="admin"
  export NEAT_TEST_OS_PASSWORD="${FAKE_CLOUD_ADMIN_PASSWORD:-admin}"
  export NEAT_TEST_OS_PROJECT="admin"
  export NEAT_TEST_OS_DOMAIN="Default"
}
neat_openstack_start || echo "openstack: not started; the OpenStack integration tests will fail"
