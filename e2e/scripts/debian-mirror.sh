#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt is configured with (the first
# .../debian URI in /etc/apt/sources.list{,.d}), or $COWSQL_DEBIAN_MIRROR when
# set. Exit 1, printing nothing, when there is none. One definition for every
# script that needs the mirror, so no host name is ever written in the repository.
set -euo pipefail
if [ -n "${COWSQL_DEBIAN_MIRROR:-}" ]; then
  echo "$COWSQL_DEBIAN_MIRROR"
  exit 0
fi
mirror=$( { grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
            grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
              | sed -E 's/\[[^]]*\]//' | awk '{print $2}'; } \
          | grep -E '/debian/?$' | head -n1 || true)
[ -n "$mirror" ] || exit 1
echo "$mirror"
