#!/usr/bin/env bash
# `cargo xtask gen` as a user runs it (the dev profile), with the workspace's opt-level
# overrides for the generator and without them, alternately in one run:
#
#   bash benches/xtask_speed.sh [ROUNDS]     (default 15)
#
# Builds `xtask` twice: as the workspace builds it, and with every `[profile.dev.package.*]`
# opt-level override of Cargo.toml set back to 0 (`--config`, in its own target folder under
# target/xtask-speed/, so the main build is untouched). Then, ROUNDS times and for each binary
# in turn, times (wall clock of the whole process):
#   edit: a one-line edit of spec/endpoints/wallet.yaml (an English title, toggled), then
#         `xtask gen` into generated-client/ (what a user runs after editing the spec);
#   full: `xtask gen --out <empty folder>` (a full generation, every file written).
# Prints the median of each and optimized/unoptimized. The spec file is restored at the end,
# and generated-client/ regenerated from it.
set -euo pipefail

ROUNDS="${1:-15}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WORK="$ROOT/target/xtask-speed"
mkdir -p "$WORK"

# The packages Cargo.toml optimizes in the dev profile, each set back to opt-level 0.
overrides=()
while read -r pkg; do
    overrides+=(--config "profile.dev.package.$pkg.opt-level=0")
done < <(sed -n 's/^\[profile\.dev\.package\.\([A-Za-z0-9_-]*\)\]$/\1/p' Cargo.toml)
[ "${#overrides[@]}" -gt 0 ] || { echo "no opt-level overrides found in Cargo.toml" >&2; exit 1; }

cargo build -q -p xtask
cp "${CARGO_TARGET_DIR:-target}/debug/xtask" "$WORK/optimized"
CARGO_TARGET_DIR="$WORK/target" cargo build -q -p xtask "${overrides[@]}"
cp "$WORK/target/debug/xtask" "$WORK/unoptimized"

SPEC="$ROOT/spec"
OUT="$ROOT/generated-client"
EDITED="$SPEC/endpoints/wallet.yaml"
ORIGINAL="$WORK/wallet.yaml.orig"
cp "$EDITED" "$ORIGINAL"
restore() {
    cp "$ORIGINAL" "$EDITED"
    "$WORK/optimized" gen --spec "$SPEC" --out "$OUT" > /dev/null
}
trap restore EXIT
grep -q '^    en: Get wallet detail$' "$EDITED" || { echo "the edited line is not in $EDITED" >&2; exit 1; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
declare -A times
toggle=0
for _ in $(seq "$ROUNDS"); do
    for build in unoptimized optimized; do
        toggle=$((1 - toggle))
        if [ "$toggle" = 1 ]; then
            sed 's/^    en: Get wallet detail$/    en: Get wallet details/' "$ORIGINAL" > "$EDITED"
        else
            cp "$ORIGINAL" "$EDITED"
        fi
        start=$(now_ms)
        "$WORK/$build" gen --spec "$SPEC" --out "$OUT" > /dev/null
        times[$build-edit]+="$(( $(now_ms) - start )) "
        rm -rf "$WORK/full-$build"
        start=$(now_ms)
        "$WORK/$build" gen --spec "$SPEC" --out "$WORK/full-$build" > /dev/null
        times[$build-full]+="$(( $(now_ms) - start )) "
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for kind in edit full; do
    u=$(echo "${times[unoptimized-$kind]}" | median)
    o=$(echo "${times[optimized-$kind]}" | median)
    echo "$kind: unoptimized $u ms, optimized $o ms, optimized/unoptimized $(awk -v o="$o" -v u="$u" 'BEGIN { printf "%.2f", o / u }')× (median of $ROUNDS)"
done
