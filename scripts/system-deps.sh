#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Himoya needs, where it can (root or sudo), and
# says exactly what to install where it cannot. Idempotent. Usage: system-deps.sh run|test
set -u
want="${1:-run}"
pkgs_run="gettext ffmpeg fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz tesseract-ocr-tgk"
# Node.js runs axe-core and Lighthouse (package.json); NodeSource's nodejs brings npm along.
pkgs_test="$pkgs_run chromium nodejs$(command -v npm >/dev/null 2>&1 || echo ' npm')"
pkgs=$([ "$want" = test ] && echo "$pkgs_test" || echo "$pkgs_run")

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "himoya: not a Debian or Ubuntu system; install these yourself: $pkgs" >&2
  echo "himoya: (Chromium, GNU gettext, ffmpeg (ffprobe checks lesson videos), DejaVu fonts, Pango, tesseract with rus/kaz/tgk data; PostgreSQL comes from a pip wheel)" >&2
  exit 0
fi
missing=""
for p in $pkgs; do have_pkg "$p" || missing="$missing $p"; done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"
else
  echo "himoya: missing system packages:$missing" >&2
  echo "himoya: install them with: sudo apt-get install -y$missing" >&2
  exit 0
fi
echo "himoya: installing system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null 2>&1 || true
if ! $sudo apt-get install -y -q --no-install-recommends $missing >/tmp/himoya-apt.log 2>&1; then
  echo "himoya: apt-get could not install:$missing (see /tmp/himoya-apt.log)" >&2
fi
exit 0
