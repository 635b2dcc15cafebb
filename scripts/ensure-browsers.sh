#!/usr/bin/env bash
# Makes sure Debian's chromium and firefox-esr are installed (the conformance suite drives them
# with playwright-core; no Playwright browser download). Idempotent: fast when both are there.
# As root it installs what is missing with apt-get; otherwise it prints one line saying what to
# run and exits 1.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/firefox-esr ] || missing+=(firefox-esr)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-browsers: missing ${missing[*]}; run as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-browsers: installing ${missing[*]} with apt-get"
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "ensure-browsers: apt-get could not install ${missing[*]}; run as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
  exit 1
fi
for exe in /usr/bin/chromium /usr/bin/firefox-esr; do
  if [ ! -x "$exe" ]; then
    echo "ensure-browsers: $exe still missing after apt-get install; install chromium and firefox-esr by hand" >&2
    exit 1
  fi
done
echo "ensure-browsers: chromium and firefox-esr installed"
