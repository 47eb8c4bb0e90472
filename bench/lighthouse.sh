#!/usr/bin/env bash
# Lighthouse (node_modules, `npm ci`) on the mobile profile against Debian's Chromium, for
# the public home page, a content page, a legal database article, the help form and a
# video lesson, served as `make run` serves them (runserver, demo data) from a database
# of its own in var/lighthouse.
# Prints a Markdown table (performance, accessibility, bytes transferred) for
# bench/README.md; the JSON reports stay in var/lighthouse/reports.
#   bench/lighthouse.sh [PATH ...]     (default: the pages above, in Russian)
# Environment: PORT (8765), CHROME_PATH (/usr/bin/chromium), VENV (.venv);
# RUNNING=1: measure the server already listening on PORT (demo loaded), start nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8765}"
VENV="${VENV:-.venv}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export HIMOYA_VAR_DIR="${HIMOYA_VAR_DIR:-var/lighthouse}"
export HIMOYA_ENV=development
LIGHTHOUSE=node_modules/.bin/lighthouse
HIMOYA="$VENV/bin/himoya"
[ -x "$LIGHTHOUSE" ] || { echo "lighthouse: run 'npm ci' (or make node-deps) first" >&2; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "lighthouse: no Chromium at $CHROME_PATH" >&2; exit 1; }
reports="$HIMOYA_VAR_DIR/reports"
mkdir -p "$reports"

server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -z "${DATABASE_URL:-}" ]; then
    "$VENV/bin/python" -m himoya.core.embedded_db stop "$HIMOYA_VAR_DIR/pg" >/dev/null || true
  fi
}
if [ -z "${RUNNING:-}" ]; then
  "$HIMOYA" migrate --noinput -v 0
  "$HIMOYA" demo >"$HIMOYA_VAR_DIR/demo.log" 2>&1 || { cat "$HIMOYA_VAR_DIR/demo.log" >&2; exit 1; }
  trap cleanup EXIT
  "$HIMOYA" runserver --noreload "127.0.0.1:$PORT" >"$HIMOYA_VAR_DIR/server.log" 2>&1 &
  server=$!
fi
for _ in $(seq 120); do
  curl -fso /dev/null "http://127.0.0.1:$PORT/ru/" && break
  sleep 0.5
done

if [ $# -eq 0 ]; then
  # The first published Russian page of each kind: content, legal article, video lesson.
  read -r content legal lesson < <("$HIMOYA" shell -c "
from wagtail.models import Page
from himoya.public_site.legal import LegalDocumentPage
from himoya.public_site.lessons import LessonPage
from himoya.public_site.models import ContentPage
def first(model, **kw):
    page = model.objects.live().filter(locale__language_code='ru', **kw).order_by('path').first()
    return page.get_url() if page else '-'
print(first(ContentPage), first(LegalDocumentPage), first(LessonPage, video__isnull=False))
" 2>/dev/null | tail -1)
  set -- /ru/
  for path in "$content" "$legal" /ru/help/ "$lesson"; do
    [ "$path" = "-" ] || set -- "$@" "$path"
  done
fi

echo "| page | performance | accessibility | bytes transferred |"
echo "| --- | ---: | ---: | ---: |"
for path in "$@"; do
  name=$(echo "$path" | tr -c 'a-z0-9\n' '_')
  out="$reports/$name.json"
  # Lighthouse's default: the mobile profile (Moto G Power, simulated slow 4G).
  "$LIGHTHOUSE" "http://127.0.0.1:$PORT$path" --quiet --output=json --output-path="$out" \
    --only-categories=performance,accessibility \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
    || { echo "| $path | failed | failed | |"; continue; }
  "$VENV/bin/python" - "$out" "$path" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
cats = report["categories"]
weight = report["audits"]["total-byte-weight"]["numericValue"]
score = lambda c: round(cats[c]["score"] * 100)
print(f"| {sys.argv[2]} | {score('performance')} | {score('accessibility')} | {weight / 1024:.1f} KB |")
for audit in report["audits"].values():
    if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
        print(f"<!-- {sys.argv[2]}: {audit['id']} {audit['score']} {audit.get('displayValue', '')} -->", file=sys.stderr)
PY
done
