#!/usr/bin/env bash
# The mail tests talk to a real SMTP listener: aiosmtpd (Debian's
# python3-aiosmtpd). Install it when we may (root with apt-get); otherwise
# those tests say they are skipped (and fail under CI=true).
if /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  return 0 2>/dev/null || exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing the SMTP test listener (python3-aiosmtpd)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null 2>&1; } \
    || echo "note: could not install python3-aiosmtpd; the mail tests will be skipped" >&2
else
  echo "note: no aiosmtpd; the mail tests will be skipped (apt-get install python3-aiosmtpd)" >&2
fi
