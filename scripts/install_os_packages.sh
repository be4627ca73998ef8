#!/usr/bin/env bash
# Install the Debian 12 packages `make serve` and `make test` need, and only
# those that are missing (so a second run does nothing, not even apt-get update).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

PACKAGES=(python3 python3-venv python3-dev build-essential libpq-dev libmagic1
          postgresql redis-server curl)
# The browser tests (ckanext/shafaf/tests/browser) drive Debian's Chromium
# through its chromedriver; DejaVu Sans draws the Persian text. Only when
# /usr/bin/chromium is missing, so a machine with its own Chromium is left alone.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    PACKAGES+=(chromium chromium-driver fonts-dejavu-core)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "Missing packages: ${missing[*]} (and no apt-get here: install them yourself)" >&2
    exit 1
fi
echo "Installing OS packages: ${missing[*]}"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

# ensure_services.sh then makes loopback connections of `postgres` passwordless
# (only on a PostgreSQL we installed ourselves, never on an existing one).
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    mkdir -p var && touch var/.installed-postgresql
fi
