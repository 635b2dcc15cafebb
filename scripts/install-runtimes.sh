#!/usr/bin/env bash
# Installs the extra Node versions of the conformance suite (Node 18.17.0 (the oldest supported) and 22.23.3, pinned
# in runtimes/package.json + runtimes/package-lock.json) into runtimes/node_modules. They stay
# out of the root package so that node_modules/.bin/node never shadows the machine's Node.
# Idempotent: does nothing when both binaries are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x runtimes/node_modules/node18/bin/node ] && [ -x runtimes/node_modules/node22/bin/node ]; then
  exit 0
fi
echo "install-runtimes: installing Node 18 and 22 into runtimes/node_modules"
# The committed runtimes/package-lock.json pins the exact tarballs.
npm install --prefix runtimes --no-audit --no-fund
runtimes/node_modules/node18/bin/node --version >/dev/null
runtimes/node_modules/node22/bin/node --version >/dev/null
