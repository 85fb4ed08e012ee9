# Sourced by .ci/run: a throwaway PostgreSQL cluster on 127.0.0.1:55432 for the store tests.
# Installs Debian's postgresql when missing, keeps everything under $NEAT_CI_STATE/pg, exports
# NEAT_TEST_PG_URL and registers how to stop the server.
neat_pg_setup() {
  # The postgres user must reach its data directory, and a checkout may sit below folders only
  # root can enter (mktemp -d makes them 0700): keep the cluster in a folder of its own in /tmp.
  : "${NEAT_CI_STATE:?NEAT_CI_STATE is not set}"
  local state
  state="$(mktemp -d /tmp/neat-ci-pg.XXXXXX)" || return 1
  chmod 755 "$state"
  local port=55432
  local bin
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    echo "postgres: installing Debian's postgresql"
    if [ -z "${NEAT_APT_UPDATED:-}" ]; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || return 1
      export NEAT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >/dev/null || return 1
  fi
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  local as_postgres=(runuser -u postgres --)
  [ "$(id -un)" = postgres ] && as_postgres=()

  # A server left running by an interrupted run would hold the port: stop it first.
  if [ -f "$state/data/postmaster.pid" ]; then
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$state/data" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
  mkdir -p "$state"
  chown postgres:postgres "$state" || return 1
  # initdb and the server need to reach the directory through every parent.
  chmod o+x "$(dirname "$state")" "$(dirname "$(dirname "$state")")" 2>/dev/null || true

  "${as_postgres[@]}" "$bin/initdb" -D "$state/data" --auth=trust -U postgres -E UTF8 >"$state/initdb.log" 2>&1 || {
    cat "$state/initdb.log"
    return 1
  }
  "${as_postgres[@]}" "$bin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $state -c fsync=off" start >/dev/null || {
    cat "$state/server.log"
    return 1
  }
  register_stop "${as_postgres[*]} $bin/pg_ctl -D $state/data -m fast stop"

  local i
  for i in $(seq 1 60); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { echo "postgres: not ready"; return 1; }
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres neat_test || return 1
  export NEAT_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/neat_test"
  echo "postgres: $NEAT_TEST_PG_URL"
}
neat_pg_setup || echo "postgres: setup failed; the PostgreSQL store tests will fail"
unset -f neat_pg_setup
