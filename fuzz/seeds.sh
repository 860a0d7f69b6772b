#!/usr/bin/env bash
# Seeds the fuzzers' corpora with the examples and the hostile corpus (one option byte
# first, as the render target reads it).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/render corpus/options
for f in ../examples/*.md ../tests/hostile/*.md ../tests/layout/*.md; do
  { printf '\0'; cat "$f"; } > "corpus/render/$(basename "$f")"
done
