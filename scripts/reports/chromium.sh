#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's `chromium` (and a font,
# so screenshots show text) when missing. Used by tests/reports/ and docs/data-quality.md.
set -euo pipefail
# shellcheck source=../services/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../services" && pwd)/lib.sh"

ensure_debs chromium fonts-dejavu-core
command -v chromium
