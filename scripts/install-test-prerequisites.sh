#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing: Debian's Chromium, for the
# dashboard's browser tests, and the PostgreSQL server, which the PostgreSQL store's tests start on a
# temporary data directory. Runs as root, or through sudo. Tests never skip for a missing package: they
# fail and name this script.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || [ -n "${AMSHA_CHROMIUM:-}" ] || need+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || [ -n "${AMSHA_PG_BIN:-}" ] || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null || { echo "install-test-prerequisites: need root or sudo to install ${need[*]}" >&2; exit 1; }
  as_root=(sudo)
fi

echo "install-test-prerequisites: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y --no-install-recommends "${need[@]}"; then
  "${as_root[@]}" apt-get update
  "${as_root[@]}" apt-get install -y --no-install-recommends "${need[@]}"
fi
