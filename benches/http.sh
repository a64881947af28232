#!/usr/bin/env bash
# HTTP benchmark (not a test): wrk on loopback against /health, the queue
# and votes (200 guests voting on 20 items: random votes, about half of
# them repeats, then votes that all change something), 32 connections each.
# Prints a table: req/s, p50, p99, max, errors, and req/s as a ratio of /health.
#   benches/http.sh [seconds per workload, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
CONNECTIONS=32

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

DT_NO_MDNS=1 DT_NO_RATE_LIMITS=1 RUST_LOG=warn ./target/release/democratic-tunes \
  --bind 127.0.0.1:0 --db "$work/bench.db" --port-file "$work/port" &
pid=$!
# The box writes where it listens once it accepts connections.
BASE=$(python3 -c 'import sys; sys.path.insert(0, "scripts"); from box_client import address_from; print(address_from(sys.argv[1]))' "$work/port")

python3 benches/setup_party.py "$BASE" > "$work/party.lua"

cat > "$work/health.lua" <<LUA
$(cat benches/wrk/report.lua)
LUA
cat > "$work/queue.lua" <<LUA
$(cat "$work/party.lua")
$(cat benches/wrk/report.lua)
wrk.headers["X-User-ID"] = guests[1]
wrk.path = "/tracks/rooms/" .. code .. "/queue"
LUA
cat > "$work/votes.lua" <<LUA
$(cat "$work/party.lua")
$(cat benches/wrk/report.lua)
local values = {1, -1}
request = function()
  local body = string.format('{"room_track_id":"%s","value":%d}',
    items[math.random(#items)], values[math.random(2)])
  return wrk.format("POST", "/votes/rooms/" .. code .. "/votes",
    {["X-User-ID"] = guests[math.random(#guests)], ["Content-Type"] = "application/json"}, body)
end
LUA

# Every vote a change: each guest flips their vote on the item, so none is
# a repeat answered from memory (wrk threads keep their own notes; the
# rare pair two threads share may repeat).
cat > "$work/changes.lua" <<LUA
$(cat "$work/party.lua")
$(cat benches/wrk/report.lua)
local last = {}
request = function()
  local g, i = math.random(#guests), math.random(#items)
  local key = g .. ":" .. i
  last[key] = -(last[key] or -1)
  local body = string.format('{"room_track_id":"%s","value":%d}', items[i], last[key])
  return wrk.format("POST", "/votes/rooms/" .. code .. "/votes",
    {["X-User-ID"] = guests[g], ["Content-Type"] = "application/json"}, body)
end
LUA

run() { # name path script
  wrk -t2 -c$CONNECTIONS -d"${SECONDS_EACH}s" --latency -s "$work/$3.lua" "$BASE$2" | grep '^RESULT' | sed "s/^RESULT/$1/"
}
{
  run health /health health
  run queue /tracks/rooms/x/queue queue
  run votes /votes/rooms/x/votes votes
  run vote-changes /votes/rooms/x/votes changes
} > "$work/results"

rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo
echo "HTTP on loopback, $CONNECTIONS connections, ${SECONDS_EACH}s each ($(nproc) cores, wrk and the box share them)"
echo
awk -v rss="$rss_kb" '
  { name[NR]=$1; rps[NR]=$2/($3/1e6); p50[NR]=$4; p99[NR]=$5; max[NR]=$6; err[NR]=$7; if ($1=="health") base=rps[NR] }
  END {
    printf "| workload | req/s | p50 ms | p99 ms | max ms | errors | vs /health |\n|---|---:|---:|---:|---:|---:|---:|\n"
    for (i=1;i<=NR;i++) printf "| %s | %.0f | %.2f | %.2f | %.2f | %d | %.2fx |\n", name[i], rps[i], p50[i], p99[i], max[i], err[i], rps[i]/base
    printf "\nPeak RSS of the box: %.1f MB\n", rss/1024
  }' "$work/results"
