#!/usr/bin/env bash
# Fetch the browser libraries the app serves itself (Leaflet, Leaflet.markercluster,
# axe-core for the accessibility tests) from the npm registry into static/vendor/.
# Nothing third-party is committed; nothing is loaded from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
work=.cache/npm
mkdir -p "$work" static/vendor
if [ ! -f "$work/package.json" ]; then echo '{"private": true}' > "$work/package.json"; fi
npm install --silent --no-audit --no-fund --prefix "$work" \
  leaflet@1.9.4 leaflet.markercluster@1.5.3 axe-core@4.10.3 >/dev/null
rm -rf static/vendor/leaflet static/vendor/markercluster static/vendor/axe
cp -r "$work/node_modules/leaflet/dist" static/vendor/leaflet
cp -r "$work/node_modules/leaflet.markercluster/dist" static/vendor/markercluster
mkdir -p static/vendor/axe && cp "$work/node_modules/axe-core/axe.min.js" static/vendor/axe/
echo "vendored: $(ls static/vendor | tr '\n' ' ')"
