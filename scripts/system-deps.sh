#!/usr/bin/env bash
# Installs the Debian packages Zhifa needs, only those missing (idempotent, fast when all present).
#   gettext                      — makemessages/compilemessages (the zh_Hans catalogue)
#   libpango/libharfbuzz-subset0 — WeasyPrint renders 文书 to PDF and subsets embedded fonts
#   fonts-noto-cjk               — the CJK font embedded in every PDF
#   chromium                     — browser tests (Playwright drives the machine's Chromium)
set -euo pipefail
pkgs=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
