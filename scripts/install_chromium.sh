#!/usr/bin/env bash
# Install what the site test (tests/site/) needs from Debian: headless-capable Chromium, and
# CJK fonts so that the Chinese in the chapters renders in screenshots as a reader sees it
# (without them Chromium draws empty boxes).
set -euo pipefail
have_browser() { command -v chromium >/dev/null || command -v chromium-browser >/dev/null; }
have_cjk_font() { fc-list :lang=zh 2>/dev/null | grep -q .; }
if have_browser && have_cjk_font; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Chromium or a CJK font is missing and neither root nor sudo is available; install the Debian packages 'chromium' and 'fonts-noto-cjk'." >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
command -v chromium
