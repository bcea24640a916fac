#!/usr/bin/env bash
# Renders resources/icons/src/*.svg to the PNG sizes the GUI loads (resources/icons/*.png).
# PNGs load without Qt's SVG plugins, which costs start-up time; run this after editing an SVG.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../resources/icons"
for svg in src/*.svg; do
    name="$(basename "$svg" .svg)"
    if [[ "$name" == squad-console ]]; then sizes="32 64 128 256"; else sizes="16 24 32 48"; fi
    for size in $sizes; do
        convert -background none -density 384 "$svg" -resize "${size}x${size}" \
            "PNG32:${name}-${size}.png"
    done
done
