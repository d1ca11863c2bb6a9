#!/usr/bin/env bash
# Make sure the system Chromium is there for the browser tests (no browser downloads: Playwright
# drives Debian's chromium). Installs it with apt when missing and allowed to.
set -eu
for candidate in "${SPRINGPLANK_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "installing chromium for the browser tests (apt-get install -y chromium)…"
  apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "chromium is missing and cannot be installed here; CI needs it for the browser tests" >&2
  exit 1
fi
echo "note: chromium not found; browser tests will be skipped (sudo apt-get install -y chromium)" >&2
