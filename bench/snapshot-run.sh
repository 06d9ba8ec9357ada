#!/bin/sh
# Runs the benchmark on the committed tree (HEAD) in a scratch copy, so edits in
# progress in the working tree cannot leak into published figures, then copies
# the published outputs (docs/BENCHMARKS.md, bench/results/<date>.json, plots) back.
#   sh bench/snapshot-run.sh [bench arguments]
set -eu
ROOT=$(git rev-parse --show-toplevel)
COMMIT=$(git -C "$ROOT" rev-parse HEAD)
SNAP=$(mktemp -d /tmp/rc-bench-snapshot.XXXXXX)
trap 'rm -rf "$SNAP"' EXIT
git -C "$ROOT" archive "$COMMIT" | tar -x -C "$SNAP"
ln -s "$ROOT/node_modules" "$SNAP/node_modules"
# The panel render bench reads the development bundle of the webview.
(cd "$SNAP" && node esbuild.mjs > /dev/null 2>&1)
(cd "$SNAP" && BENCH_SOURCE_COMMIT="$COMMIT" node --import tsx bench/run.ts "$@")
mkdir -p "$ROOT/bench/results/plots" "$ROOT/docs"
if [ -f "$SNAP/docs/BENCHMARKS.md" ] && [ "$SNAP/docs/BENCHMARKS.md" -nt "$SNAP/esbuild.mjs" ]; then
  cp "$SNAP/docs/BENCHMARKS.md" "$ROOT/docs/BENCHMARKS.md"
  cp "$SNAP"/bench/results/*.json "$ROOT/bench/results/" 2>/dev/null || true
  cp "$SNAP"/bench/results/plots/*.svg "$ROOT/bench/results/plots/"
fi
for aside in quick partial; do
  if [ -d "$SNAP/bench/results/$aside" ]; then
    rm -rf "$ROOT/bench/results/$aside"
    cp -r "$SNAP/bench/results/$aside" "$ROOT/bench/results/$aside"
  fi
done
echo "measured commit $COMMIT"
