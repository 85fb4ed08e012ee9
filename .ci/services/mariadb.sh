# Sourced by .ci/run: a throwaway MariaDB server on 127.0.0.1:53306 for the MySQL store tests.
# Installs Debian's mariadb-server when missing, keeps its data under $NEAT_CI_STATE/mariadb,
# creates the database neat_test and its user, exports NEAT_TEST_MYSQL_URL and registers how to
# stop the server (by pid).
neat_mariadb_setup() {
  : "${NEAT_CI_STATE:?NEAT_CI_STATE is not set}"
  local state="$NEAT_CI_STATE/mariadb"
  local port=53306
  if [ ! -x /usr/sbin/mariadbd ] || ! command -v mariadb-install-db >/dev/null 2>&1; then
    echo "mariadb: installing Debian's mariadb-server"
    if [ -z "${NEAT_APT_UPDATED:-}" ]; then
      apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null || return 1
      export NEAT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends mariadb-server mariadb-client >/dev/null || return 1
    # The package starts a system server; ours runs on its own port and datadir, so stop it.
    service mariadb stop >/dev/null 2>&1 || true
  fi

  # A server left running by an interrupted run would hold the port and the datadir: stop it first.
  if [ -f "$state/mariadbd.pid" ]; then
    kill "$(cat "$state/mariadbd.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf "$state"
  mkdir -p "$state/data"
  local user
  user="$(id -un)"

  mariadb-install-db --no-defaults --datadir="$state/data" --user="$user" --auth-root-authentication-method=normal \
    --skip-test-db >"$state/install.log" 2>&1 || {
    cat "$state/install.log"
    return 1
  }
  /usr/sbin/mariadbd --no-defaults --datadir="$state/data" --user="$user" \
    --bind-address=127.0.0.1 --port="$port" --socket="$state/mariadb.sock" --pid-file="$state/mariadbd.pid" \
    --skip-name-resolve --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M \
    --log-error="$state/server.log" >/dev/null 2>&1 &
  local pid=$!
  register_stop "kill $pid 2>/dev/null; for _ in \$(seq 1 50); do kill -0 $pid 2>/dev/null || break; sleep 0.2; done"

  local i
  for i in $(seq 1 60); do
    mariadb-admin --no-defaults --socket="$state/mariadb.sock" -u root ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb-admin --no-defaults --socket="$state/mariadb.sock" -u root ping >/dev/null 2>&1 || {
    echo "mariadb: not ready"
    cat "$state/server.log"
    return 1
  }
  mariadb --no-defaults --socket="$state/mariadb.sock" -u root <<'SQL' || return 1
create database neat_test character set utf8mb4 collate utf8mb4_bin;
create user 'neat'@'127.0.0.1' identified by 'neat-test';
grant all privileges on *.* to 'neat'@'127.0.0.1';
SQL
  export NEAT_TEST_MYSQL_URL="mysql://neat:neat-test@127.0.0.1:$port/neat_test"
  echo "mariadb: mysql://neat:***@127.0.0.1:$port/neat_test"
}
neat_mariadb_setup || echo "mariadb: setup failed; the MySQL store tests will fail"
unset -f neat_mariadb_setup
