# Sourced by .ci/run: the openssl command, with which the TLS tests make a throwaway self-signed
# certificate (node:crypto cannot make certificates). Installs Debian's openssl if missing; starts
# nothing.
neat_openssl_install() {
  command -v openssl >/dev/null && return 0
  echo "openssl: installing openssl"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      openssl >/dev/null || { echo "openssl: apt-get install openssl failed"; return 1; }
}
neat_openssl_install
