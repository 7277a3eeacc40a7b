#!/usr/bin/env bash
# The end-to-end tests drive Debian's chromium (through playwright-core).
# Install it when we may (root with apt-get); otherwise say how.
for b in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$b" ] && [ -x "$b" ]; then return 0 2>/dev/null || exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing chromium for the end-to-end tests"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } \
    || echo "note: could not install chromium; the end-to-end test will fail" >&2
else
  echo "note: no chromium (apt-get install chromium, or set CHROMIUM=/path)" >&2
fi
