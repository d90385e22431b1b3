#!/usr/bin/env bash
# Compile time of the generated client: card-wallet (ours) vs the crate progenitor generates from
# our exported OpenAPI document for the same API. See BENCHMARKS.md.
#
#   bash benches/compile_time.sh            # RUNS=3 by default
#   RUNS=5 bash benches/compile_time.sh
#   BASE_REV=main bash benches/compile_time.sh   # also card-wallet as of that commit
#   TOP=20 bash benches/compile_time.sh          # also the 20 largest functions of each library
#
# Builds a scratch workspace under target/compile-bench/ holding
#   card-wallet/     a copy of generated-client/src with a standalone Cargo.toml (the versions
#                    of the main workspace's [workspace.dependencies], spelled out);
#   progenitor-gen/  progenitor-impl 0.15.1's output for generated-client/openapi.json,
#                    prettyplease-formatted (benches/src/bin/progenitor_gen.rs), plus the crates
#                    that code needs (progenitor-client, reqwest, serde, serde_json, chrono,
#                    regress);
#   base-card-wallet/, base-runtime/  with BASE_REV: generated-client/ and runtime/ as of that
#                    commit (packages renamed card-wallet-base and apigen-runtime-base), so that a
#                    change is measured against the code before it in the same run;
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

# A user's dev profile: dependencies without debug info, as in the main workspace (whose
# opt-level overrides are for running the generator, which is not built here).
[profile.dev.package."*"]
debug = false
EOF
# Start from the main lock file so shared crates resolve to the same versions.
[ -f "$SCRATCH/Cargo.lock" ] || cp "$ROOT/Cargo.lock" "$SCRATCH/Cargo.lock"

# --- card-wallet and apigen-runtime: copies with explicit versions ------------------------------
# The runtime is copied too, so that editing runtime/ while this script runs does not rebuild it
# in the middle of a measurement. `x.workspace = true` (and `x = { workspace = true, … }`)
# lines become the line of the main workspace's table; `[dev-dependencies]` and `[[test]]` targets are dropped (only
# the library is measured).
resolve_manifest() { # Cargo.toml -> same with workspace references spelled out
  awk -v ws="$ROOT/Cargo.toml" '
    BEGIN {
      while ((getline line < ws) > 0) {
        if (line ~ /^\[/) { section = line; continue }
        if (section == "[workspace.package]" && line ~ /^[a-z-]+ = /) { split(line, kv, " = "); pkg[kv[1]] = line }
        if (section == "[workspace.dependencies]" && line ~ /^[A-Za-z0-9_-]+ = /) { split(line, kv, " = "); dep[kv[1]] = line }
      }
    }
    /^\[/ { skip = ($0 == "[dev-dependencies]" || $0 == "[[test]]") }
    skip { next }
    /^[A-Za-z0-9_-]+\.workspace = true/ {
      name = $0; sub(/\.workspace.*/, "", name)
      if (name in pkg) { print pkg[name]; next }
      if (name in dep) { print dep[name]; next }
      print "no workspace entry for " name > "/dev/stderr"; exit 1
    }
    /^[A-Za-z0-9_-]+ = \{ *workspace = true, optional = true \}/ {
      name = $0; sub(/ = .*/, "", name)
      if (!(name in dep)) { print "no workspace entry for " name > "/dev/stderr"; exit 1 }
      line = dep[name]
      if (line ~ / = "/) { sub(/ = /, " = { version = ", line); print line ", optional = true }" }
      else { sub(/ = \{ */, " = { optional = true, ", line); print line }
      next
    }
    /^[A-Za-z0-9_-]+ = \{ *workspace = true/ {
      name = $0; sub(/ = .*/, "", name)
      print "workspace dependency with other keys than optional: " name > "/dev/stderr"; exit 1
    }
    { print }
  ' "$1"
}
mkdir -p "$SCRATCH/apigen-runtime"
rm -rf "$SCRATCH/apigen-runtime/src"
cp -r "$ROOT/runtime/src" "$SCRATCH/apigen-runtime/src"
resolve_manifest "$ROOT/runtime/Cargo.toml" > "$SCRATCH/apigen-runtime/Cargo.toml"
cp -r "$ROOT/generated-client/src" "$SCRATCH/card-wallet/src"
# The generated manifest already has explicit versions; only the runtime's path changes.
sed -E '/^\[dev-dependencies\]/,/^\[/{/^\[dev-dependencies\]/d;/^[^[]/d}' "$ROOT/generated-client/Cargo.toml" |
  sed -E 's|^apigen-runtime = \{ path = "[^"]*"|apigen-runtime = { path = "../apigen-runtime"|' \
  > "$SCRATCH/card-wallet/Cargo.toml"
grep -q 'path = "../apigen-runtime"' "$SCRATCH/card-wallet/Cargo.toml" ||
  { echo "card-wallet/Cargo.toml: no apigen-runtime path dependency to redirect" >&2; exit 1; }

# --- base-card-wallet and base-runtime: the same as of BASE_REV ------------------------------------
rm -rf "$SCRATCH/base-card-wallet" "$SCRATCH/base-runtime"
members='"card-wallet", "progenitor-gen"'
if [ -n "${BASE_REV:-}" ]; then
  members='"card-wallet", "base-card-wallet", "progenitor-gen"'
  mkdir -p "$SCRATCH/base-card-wallet" "$SCRATCH/base-runtime"
  git -C "$ROOT" archive "$BASE_REV" generated-client/src runtime/src | tar -x -C "$SCRATCH" --transform 's,^generated-client/,base-card-wallet/,;s,^runtime/,base-runtime/,'
  git -C "$ROOT" show "$BASE_REV:runtime/Cargo.toml" > "$SCRATCH/base-runtime/Cargo.orig.toml"
  resolve_manifest "$SCRATCH/base-runtime/Cargo.orig.toml" |
    sed -E '0,/^name = /s/^name = .*/name = "apigen-runtime-base"/' > "$SCRATCH/base-runtime/Cargo.toml"
  git -C "$ROOT" show "$BASE_REV:generated-client/Cargo.toml" |
    sed -E '/^\[dev-dependencies\]/,/^\[/{/^\[dev-dependencies\]/d;/^[^[]/d}' |
    sed -E '0,/^name = /s/^name = .*/name = "card-wallet-base"/' |
    sed -E 's|^apigen-runtime = \{ path = "[^"]*"|apigen-runtime = { package = "apigen-runtime-base", path = "../base-runtime"|' \
    > "$SCRATCH/base-card-wallet/Cargo.toml"
  grep -q 'path = "../base-runtime"' "$SCRATCH/base-card-wallet/Cargo.toml" ||
    { echo "base-card-wallet/Cargo.toml: no apigen-runtime path dependency to redirect" >&2; exit 1; }
fi
sed -i "s|^members = .*|members = [$members]|" "$SCRATCH/Cargo.toml"

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
# The scratch workspace has its own target folder (whatever CARGO_TARGET_DIR says), so that
# `cargo clean -p card-wallet` below never touches the main workspace's build.
export CARGO_TARGET_DIR="$SCRATCH/target"
echo "== CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-unset (dev profile default: on)}"
# Use the network only if the registry cache does not have everything.
OFFLINE=""
if cargo fetch --offline -q 2>/dev/null; then OFFLINE="--offline"; else cargo fetch -q; fi

# What is measured: "label crate cargo-flags". card-wallet is measured with its default features
# and, when its manifest has a `webhooks` feature, without it (`--no-default-features`).
variants=("card-wallet card-wallet")
if grep -q '^webhooks = ' "$SCRATCH/card-wallet/Cargo.toml"; then
  variants+=("cw-no-webhooks card-wallet --no-default-features")
fi
if [ -n "${BASE_REV:-}" ]; then
  variants+=("card-wallet-base card-wallet-base")
fi
variants+=("progenitor-gen progenitor-gen")

echo "== prebuilding dependencies"
for v in "${variants[@]}"; do
  read -r _ crate flags <<<"$v"
  cargo build $OFFLINE -q -p "$crate" $flags
  cargo check $OFFLINE -q -p "$crate" $flags
done

now() { date +%s.%N; }
timed() { # build|check crate flags...
  local t0 t1 cmd="$1" crate="$2"
  shift 2
  t0="$(now)"
  cargo "$cmd" $OFFLINE -q -p "$crate" "$@"
  t1="$(now)"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

declare -A results
touched_file() {
  case "$1" in
    # types.rs exists in every layout (api.rs became api/<group>.rs in issue 17).
    card-wallet) echo "$SCRATCH/card-wallet/src/generated/types.rs" ;;
    card-wallet-base) echo "$SCRATCH/base-card-wallet/src/generated/types.rs" ;;
    progenitor-gen) echo "$SCRATCH/progenitor-gen/src/lib.rs" ;;
  esac
}

for run in $(seq 1 "$RUNS"); do
  for v in "${variants[@]}"; do
    read -r label crate flags <<<"$v"
    cargo clean $OFFLINE -q -p "$crate"
    s="$(timed check "$crate" $flags)"
    results[$label/check]+="$s "
    echo "run $run  $label  check  ${s}s"
    s="$(timed build "$crate" $flags)"
    results[$label/cold]+="$s "
    echo "run $run  $label  cold   ${s}s"
  done
  for v in "${variants[@]}"; do
    read -r label crate flags <<<"$v"
    touched="$(touched_file "$crate")"
    [ -f "$touched" ] || { echo "no file $touched to touch" >&2; exit 1; }
    touch "$touched"
    s="$(timed build "$crate" $flags)"
    results[$label/touch]+="$s "
    echo "run $run  $label  touch  ${s}s"
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
echo "   ratio = median / baseline median; spread = [min/baseline max, max/baseline min] over the runs"
compare() { # label baseline-label
  echo "-- $1 vs $2"
  printf '%-6s %-30s %-30s %s\n' "" "$1 median [min-max]" "$2 median [min-max]" "ratio [spread]"
  for kind in check cold touch; do
    read -r om omin omax <<<"$(stats ${results[$1/$kind]})"
    read -r pm pmin pmax <<<"$(stats ${results[$2/$kind]})"
    ratios="$(awk -v a="$om" -v b="$pm" -v amin="$omin" -v amax="$omax" -v bmin="$pmin" -v bmax="$pmax" \
      'BEGIN { printf "%.2fx [%.2f-%.2f]", a / b, amin / bmax, amax / bmin }')"
    printf '%-6s %-30s %-30s %s\n' "$kind" "$om [$omin-$omax]" "$pm [$pmin-$pmax]" "$ratios"
  done
}
for v in "${variants[@]}"; do
  read -r label _ _ <<<"$v"
  [ "$label" = progenitor-gen ] || compare "$label" progenitor-gen
done
if [ -n "${BASE_REV:-}" ]; then
  for v in "${variants[@]}"; do
    read -r label _ _ <<<"$v"
    case "$label" in card-wallet | cw-no-webhooks) compare "$label" card-wallet-base ;; esac
  done
fi
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Where the codegen happens: how much machine code each library instantiates itself. Generic
# code (serde impls, request futures) that a library never instantiates is compiled later, in
# the crate that uses it, and is not part of the figures above. With TOP=n, the n largest
# functions are listed (IR lines, copies), instantiations of one function counted together:
# generic arguments are elided (`llvm-lines` style), impl headers `<Type as Trait>` kept.
echo
echo "== codegen volume of each library itself (LLVM IR, dev profile)"
for v in "${variants[@]}"; do
  read -r label crate flags <<<"$v"
  lib="${crate//-/_}"
  rm -f target/debug/deps/"$lib"-*.ll
  cargo rustc $OFFLINE -q -p "$crate" $flags --lib -- --emit=llvm-ir
  ll="$(ls target/debug/deps/"$lib"-*.ll)"
  printf '%-15s %6d functions, %8d IR lines\n' "$label" "$(grep -c '^define' "$ll")" "$(wc -l < "$ll")"
  if [ -n "${TOP:-}" ]; then
    awk '/^define/ { name = $0; sub(/^[^@]*@/, "", name); gsub(/"/, "", name); sub(/\(.*/, "", name); n = 0; next }
         /^}/ { lines[name] += n; next } { n++ }
         END { for (f in lines) print lines[f], f }' "$ll" |
      c++filt -p |
      sed -E 's/::h[0-9a-f]{16}$//; s/\$LT\$/</g; s/\$GT\$/>/g; s/\$u20\$/ /g; s/\$RF\$/\&/g; s/\$C\$/,/g; s/\$BP\$/*/g; s/\$u7b\$/{/g; s/\$u7d\$/}/g; s/\.\./::/g' |
      sed -E ':a; s/([A-Za-z0-9_])<[^<>]*>/\1/; ta' |
      awk '{ n = $1; $1 = ""; c[$0]++; t[$0] += n }
           END { for (s in t) printf "%8d %5d %s\n", t[s], c[s], s }' | sort -rn | awk -v n="$TOP" 'NR <= n'  # not head: no SIGPIPE under pipefail
  fi
  rm -f "$ll"
done
