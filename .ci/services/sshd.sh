# Sourced by .ci/run: a throwaway OpenSSH server on 127.0.0.1 for the RemoteShell tests.
# Installs Debian's openssh-server if missing, generates host and client keys under
# "$NEAT_CI_STATE/sshd", starts sshd on a free loopback port, exports
#   NEAT_TEST_SSH_PORT, NEAT_TEST_SSH_KEY, NEAT_TEST_SSH_KNOWN_HOSTS, NEAT_TEST_SSH_USER
# and registers its stop by pid. Nothing outside the state directory is configured.
neat_sshd_start() {
  local dir="${NEAT_CI_STATE:?NEAT_CI_STATE is not set}/sshd"
  if [ ! -x /usr/sbin/sshd ]; then
    echo "sshd: installing openssh-server"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
        openssh-server >/dev/null || { echo "sshd: apt-get install openssh-server failed"; return 1; }
  fi
  rm -rf "$dir"
  mkdir -p "$dir" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -C neat-test-host -f "$dir/ssh_host_ed25519_key" || return 1
  ssh-keygen -q -t ed25519 -N '' -C neat-test-client -f "$dir/client_ed25519" || return 1
  cp "$dir/client_ed25519.pub" "$dir/authorized_keys"
  local port
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})') || return 1
  cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
StrictModes no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
CONF
  /usr/sbin/sshd -t -f "$dir/sshd_config" || { echo "sshd: invalid configuration"; return 1; }
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" >"$dir/sshd.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/sshd.bgpid"
  register_stop "kill $pid"
  # The known_hosts line pins the throwaway host key for exactly this address and port.
  printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"
  local i
  for i in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  export NEAT_TEST_SSH_PORT="$port"
  export NEAT_TEST_SSH_KEY="$dir/client_ed25519"
  export NEAT_TEST_SSH_KNOWN_HOSTS="$dir/known_hosts"
  export NEAT_TEST_SSH_USER="$(id -un)"
  echo "sshd: listening on 127.0.0.1:$port (pid $pid)"
}
neat_sshd_start || echo "sshd: not started; the SSH integration tests will fail"
