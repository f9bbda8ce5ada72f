#!/usr/bin/env bash
# Dev loop: make the in-tree package importable from build/dev (PYTHONPATH=python).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
so=$(ls "$root"/build/dev/_C*.so 2>/dev/null | head -1)
[ -n "$so" ] || { echo "no build/dev/_C*.so yet"; exit 1; }
ln -sf "$so" "$root/python/ctorch/$(basename "$so")"
mkdir -p "$root/python/ctorch/lib"
for f in "$root"/build/dev/libctorch.so*; do ln -sf "$f" "$root/python/ctorch/lib/$(basename "$f")"; done
