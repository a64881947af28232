#!/usr/bin/env bash
# Pi budgets (not a test): the stripped aarch64 binary's size, start to
# first /health, and idle memory; printed as a table against the budgets.
# Start and memory are measured natively (release build) and for the
# aarch64 binary under qemu-user, which is far slower than a real Pi.
set -euo pipefail
cd "$(dirname "$0")/.."
aarch64=$(scripts/build-pi aarch64)
cargo build --release --locked --quiet
native=target/release/democratic-tunes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure <label> <command...>: start to first /health, median of 5, on a new
# database (migrations and the built-in catalog load) and on an existing
# one; RSS of the process after 2 s idle.
start_once() { # port db command...
  local port=$1 db=$2; shift 2
  local t0=$(date +%s%N)
  DT_NO_MDNS=1 RUST_LOG=warn "$@" --bind 127.0.0.1:$port --db "$db" 2>/dev/null &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.002; done
  elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
measure() {
  local label=$1; shift
  local fresh=() again=() rss=0
  for i in 1 2 3 4 5; do
    rm -f "$work"/m.db*
    start_once $((18600 + i)) "$work/m.db" "$@"; fresh+=("$elapsed")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    start_once $((18610 + i)) "$work/m.db" "$@"; again+=("$elapsed")
    if [ "$i" = 5 ]; then
      sleep 2
      rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  printf '| %s | %s ms | %s ms | %.1f MB |\n' "$label" "$(median "${fresh[@]}")" "$(median "${again[@]}")" "$(echo "$rss / 1024" | bc -l)"
}

size=$(stat -c %s "$aarch64")
echo
echo "Pi budgets ($(nproc) cores here)"
echo
echo "| budget | measured | target |"
echo "|---|---:|---:|"
printf '| stripped aarch64 binary | %.1f MB | < 15 MB |\n' "$(echo "$size / 1048576" | bc -l)"
echo
echo "| binary | start to first /health, new database | same, existing database | idle RSS |"
echo "|---|---:|---:|---:|"
measure "x86_64, native" "$native"
measure "aarch64, under qemu-user" qemu-aarch64 -L / "$aarch64"
echo
echo "Targets on the Pi: start < 150 ms, idle RSS < 20 MB. qemu emulates every"
echo "instruction (start is an upper bound) and its RSS includes the emulator."
