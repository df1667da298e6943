#!/usr/bin/env bash
# Copies the screenshots tests/reports/test_reports_pages.py took (var/report-screenshots/)
# into docs/images/ as small palette PNGs for docs/data-quality.md. Run after the test.
set -euo pipefail
# shellcheck source=../services/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../services" && pwd)/lib.sh"

ensure_debs pngquant
src="$REPO_ROOT/var/report-screenshots"
dest="$REPO_ROOT/docs/images"
mkdir -p "$dest"
for name in index elementary data_docs dbt_docs; do
	[[ -f $src/$name.png ]] || die "no $src/$name.png: run pytest tests/reports/test_reports_pages.py first"
	pngquant --force --quality 40-80 --speed 1 --output "$dest/data-quality-${name//_/-}.png" "$src/$name.png"
done
ls -l "$dest"/data-quality-*.png
