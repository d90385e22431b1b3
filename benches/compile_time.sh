#!/usr/bin/env bash
# Compile time of the generated client: card-wallet (ours) vs the crate progenitor generates from
# our exported OpenAPI document for the same API. See BENCHMARKS.md.
#
#   bash benches/compile_time.sh            # RUNS=3 by default
#   RUNS=5 bash benches/compile_time.sh
#
# Builds a scratch workspace under target/compile-bench/ holding
#   card-wallet/     a copy of generated-client/src with a standalone Cargo.toml (the versions
#                    of the main workspace's [workspace.dependencies], spelled out);
#   progenitor-gen/  progenitor-impl 0.15.1's output for generated-client/openapi.json,
#                    prettyplease-formatted (benches/src/bin/progenitor_gen.rs), plus the crates
#                    that code needs (progenitor-client, reqwest, serde, serde_json, chrono,
#                    regress);
# prebuilds every dependency once (`cargo build` and `cargo check -p <crate>`), then for each
# crate, RUNS times:
#   check: `cargo clean -p <crate>` then `cargo check -p <crate>` (front end only, no codegen);
#   cold:  then `cargo build -p <crate>` (dependencies stay built; the crate from scratch);
#   touch: `touch` one generated file then `cargo build -p <crate>` (incremental).
# Both crates are measured alternately in the same run; the dev profile is the one of the main
# workspace (`debug = false` for dependencies). Prints median and min-max of each.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
SCRATCH="$ROOT/target/compile-bench"
cd "$ROOT"

echo "== machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM, $(rustc -V)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p "$SCRATCH"
rm -rf "$SCRATCH/card-wallet" "$SCRATCH/progenitor-gen"
mkdir -p "$SCRATCH/card-wallet" "$SCRATCH/progenitor-gen/src"

# --- the scratch workspace ------------------------------------------------------------------
cat > "$SCRATCH/Cargo.toml" <<'EOF'
[workspace]
resolver = "3"
members = ["card-wallet", "progenitor-gen"]

# Same as the main workspace.
[profile.dev.package."*"]
debug = false
EOF
# Start from the main lock file so shared crates resolve to the same versions.
[ -f "$SCRATCH/Cargo.lock" ] || cp "$ROOT/Cargo.lock" "$SCRATCH/Cargo.lock"

# --- card-wallet: copy with explicit versions -------------------------------------------------
cp -r "$ROOT/generated-client/src" "$SCRATCH/card-wallet/src"
{
  cat <<'EOF'
[package]
name = "card-wallet"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
EOF
  # Each `name.workspace = true` of [dependencies] becomes the line of the workspace table.
  awk '/^\[dependencies\]/ {on=1; next} /^\[/ {on=0} on && /\.workspace = true/ {sub(/\.workspace = true.*/, ""); print}' \
    "$ROOT/generated-client/Cargo.toml" |
    while read -r dep; do
      line="$(grep -E "^${dep} = " "$ROOT/Cargo.toml" | head -n1)"
      [ -n "$line" ] || { echo "no version for $dep in the workspace table" >&2; exit 1; }
      echo "$line"
    done
} > "$SCRATCH/card-wallet/Cargo.toml"

# --- progenitor-gen: progenitor's output ------------------------------------------------------
cargo run -q -p apigen-benches --bin progenitor_gen -- "$SCRATCH/progenitor-gen/src/lib.rs"
reqwest_line="$(grep -E '^reqwest = ' "$ROOT/Cargo.toml")"
serde_line="$(grep -E '^serde = ' "$ROOT/Cargo.toml")"
cat > "$SCRATCH/progenitor-gen/Cargo.toml" <<EOF
[package]
name = "progenitor-gen"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
progenitor-client = "0.15.1"
# Same reqwest features as card-wallet (progenitor-client adds json, query, stream).
$reqwest_line
$serde_line
serde_json = "1.0.154"
chrono = { version = "0.4.45", default-features = false, features = ["serde", "std"] }
regress = "0.12.0"
EOF

lines() { cat "$@" | wc -l; }
echo "== card-wallet: $(find "$SCRATCH/card-wallet/src" -name '*.rs' | wc -l) files, $(lines $(find "$SCRATCH/card-wallet/src" -name '*.rs')) lines (generated: $(lines "$SCRATCH"/card-wallet/src/generated/*.rs))"
echo "== progenitor-gen: 1 file, $(lines "$SCRATCH/progenitor-gen/src/lib.rs") lines"

cd "$SCRATCH"
# Use the network only if the registry cache does not have everything.
OFFLINE=""
if cargo fetch --offline -q 2>/dev/null; then OFFLINE="--offline"; else cargo fetch -q; fi

echo "== prebuilding dependencies"
for crate in card-wallet progenitor-gen; do
  cargo build $OFFLINE -q -p "$crate"
  cargo check $OFFLINE -q -p "$crate"
done

now() { date +%s.%N; }
timed() { # build|check crate
  local t0 t1
  t0="$(now)"
  cargo "$1" $OFFLINE -q -p "$2"
  t1="$(now)"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

declare -A results
touched_file() {
  case "$1" in
    card-wallet) echo "$SCRATCH/card-wallet/src/generated/api.rs" ;;
    progenitor-gen) echo "$SCRATCH/progenitor-gen/src/lib.rs" ;;
  esac
}

for run in $(seq 1 "$RUNS"); do
  for crate in card-wallet progenitor-gen; do
    cargo clean $OFFLINE -q -p "$crate"
    s="$(timed check "$crate")"
    results[$crate/check]+="$s "
    echo "run $run  $crate  check  ${s}s"
    s="$(timed build "$crate")"
    results[$crate/cold]+="$s "
    echo "run $run  $crate  cold   ${s}s"
  done
  for crate in card-wallet progenitor-gen; do
    touch "$(touched_file "$crate")"
    s="$(timed build "$crate")"
    results[$crate/touch]+="$s "
    echo "run $run  $crate  touch  ${s}s"
  done
done

stats() { # values... -> "median min max"
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
    m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
    printf "%.2f %.2f %.2f", m, v[1], v[NR]
  }'
}

echo
echo "== results (seconds, $RUNS runs each)"
echo "   ratio = card-wallet median / progenitor-gen median; spread = [min/max, max/min] over the runs"
printf '%-6s %-30s %-30s %s\n' "" "card-wallet median [min-max]" "progenitor-gen median [min-max]" "ratio [spread]"
for kind in check cold touch; do
  read -r om omin omax <<<"$(stats ${results[card-wallet/$kind]})"
  read -r pm pmin pmax <<<"$(stats ${results[progenitor-gen/$kind]})"
  ratios="$(awk -v a="$om" -v b="$pm" -v amin="$omin" -v amax="$omax" -v bmin="$pmin" -v bmax="$pmax" \
    'BEGIN { printf "%.2fx [%.2f-%.2f]", a / b, amin / bmax, amax / bmin }')"
  printf '%-6s %-30s %-30s %s\n' "$kind" "$om [$omin-$omax]" "$pm [$pmin-$pmax]" "$ratios"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Where the codegen happens: how much machine code each library instantiates itself. Generic
# code (serde impls, request futures) that a library never instantiates is compiled later, in
# the crate that uses it, and is not part of the figures above.
echo
echo "== codegen volume of each library itself (LLVM IR, dev profile)"
for crate in card-wallet progenitor-gen; do
  lib="${crate//-/_}"
  rm -f target/debug/deps/"$lib"-*.ll
  cargo rustc $OFFLINE -q -p "$crate" --lib -- --emit=llvm-ir
  ll="$(ls target/debug/deps/"$lib"-*.ll)"
  printf '%-15s %6d functions, %8d IR lines\n' "$crate" "$(grep -c '^define' "$ll")" "$(wc -l < "$ll")"
  rm -f "$ll"
done
