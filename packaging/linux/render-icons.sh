#!/usr/bin/env bash
# Renders the application icon (resources/icons/src/squad-console.svg) to the PNG sizes of the
# hicolor theme the Linux packages install (packaging/linux/icons/<size>.png). The PNGs are
# committed: building a package then needs no SVG renderer. Run this after editing the SVG.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
svg=../../resources/icons/src/squad-console.svg
for size in 16 24 32 48 64 128 256 512; do
    convert -background none -density 768 "$svg" -resize "${size}x${size}" "PNG32:icons/${size}.png"
done
