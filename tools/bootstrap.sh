#!/usr/bin/env bash
# Make a fresh Debian 12 / Ubuntu 24.04 machine ready to run the kiosk: uv, Qt's system libraries,
# and the locked Python environment. Safe to run again; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

BOOT=.bootstrap
find_uv() {
  for candidate in "$(command -v uv 2>/dev/null || true)" "$HOME/.local/bin/uv" "$BOOT/bin/uv"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

UV=$(find_uv || true)
if [ -z "$UV" ]; then
  echo "bootstrap: installing uv" >&2
  PY=$(command -v python3 || true)
  [ -n "$PY" ] || { echo "bootstrap: python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
  # pip may refuse (PEP 668 on stock Debian/Ubuntu) or be absent: then a small private venv holds uv.
  if ! "$PY" -m pip install --user --quiet uv 2>/dev/null || [ -z "$(find_uv || true)" ]; then
    "$PY" -m venv "$BOOT" && "$BOOT/bin/python" -m pip install --quiet uv
  fi
  UV=$(find_uv) || { echo "bootstrap: could not install uv" >&2; exit 1; }
fi

# Qt (PySide6) needs these even offscreen; without a font every glyph is a box.
DEB_PACKAGES="libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0 fonts-dejavu-core"
# A real window (X11, `make demo` on a desktop) needs Qt's xcb platform's libraries too.
DEB_PACKAGES="$DEB_PACKAGES libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0"
if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for pkg in $DEB_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ]; then
      echo "bootstrap: installing Debian packages:$missing" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "bootstrap: Qt needs these Debian packages; run as root:" >&2
      echo "  sudo apt-get install -y$missing" >&2
      exit 1
    fi
  fi
fi

# The real fingerprint drivers' tests: libfprint and umockdev (USB replays), gcc (the vendor SDK fakes),
# and what the `libfprint` extra (PyGObject) needs to build. Installed when root (CI always is); a
# non-root user gets their names and a working environment without them (those tests skip locally).
DRIVER_PACKAGES="libfprint-2-2 gir1.2-fprint-2.0 gir1.2-gusb-1.0 umockdev gir1.2-umockdev-1.0 gcc libc6-dev pkg-config libgirepository1.0-dev libcairo2-dev"
# The reference backend's server (FastAPI, uvicorn): the demo and the tests need it; a station bundle
# is built without it (`uv sync --no-extra backend`).
EXTRAS="--extra backend"
if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for pkg in $DRIVER_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ] && [ "$(id -u)" = "0" ]; then
    echo "bootstrap: installing Debian packages for the fingerprint drivers:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; } ||
      echo "bootstrap: could not install$missing; the real-driver tests will say what is missing" >&2
  elif [ -n "$missing" ]; then
    echo "bootstrap: the real fingerprint drivers' tests need (as root):" >&2
    echo "  sudo apt-get install -y$missing" >&2
  fi
fi
# PyGObject builds from source: only where its build dependencies are there.
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gobject-introspection-1.0 cairo \
  && command -v gcc >/dev/null 2>&1; then
  EXTRAS="$EXTRAS --extra libfprint"
fi

# The tests read the receipt PDFs back with poppler (pdftotext, pdftoppm, pdfinfo, pdffonts), and run the
# backend on a real PostgreSQL (started by the tests in a temporary folder; SeaweedFS, the S3 store, comes
# as a wheel). Without them those tests skip with that reason, so they are installed only when we are
# root (CI), and named otherwise.
TEST_PACKAGES="poppler-utils postgresql"
if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for pkg in $TEST_PACKAGES; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ]; then
      echo "bootstrap: installing Debian packages for the tests:$missing" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
    else
      echo "bootstrap: some tests skip without:$missing (sudo apt-get install -y$missing)" >&2
    fi
  fi
fi

"$UV" sync --frozen --quiet $EXTRAS

# Bytecode, as an installed station has it: where PYTHONDONTWRITEBYTECODE is set (CI sets it) every new
# process would compile all it imports again, about a second of the application's start-up. Libraries once
# per lock file, the project's own packages each time (only what changed is compiled: ~0.3 s).
STAMP=".venv/.bytecode-$(sha256sum uv.lock | cut -c1-16)"
if [ ! -e "$STAMP" ]; then
  .venv/bin/python -m compileall -q -j 0 .venv/lib/python3*/site-packages >/dev/null 2>&1 || true
  rm -f .venv/.bytecode-* && touch "$STAMP"
fi
.venv/bin/python -m compileall -q kiosk devices ui tests >/dev/null 2>&1 || true
echo "$UV"
