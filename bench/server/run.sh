#!/usr/bin/env bash
# Load test of the HTTP server: builds it in release, serves the shipped pipelines on
# MovieLens-100K on loopback, drives it with wrk at several concurrency levels and prints
# requests/s and p50/p99/p99.9 latency per endpoint with every request computed (--cache-mb 0),
# then at fixed request rates (an open loop: bench/server/openloop.c sends each request when it
# is due, whatever the answers do, and times it from then), the server's memory over a longer
# run, then repeated requests answered from its cache. Also events at fixed rates, freshness:
# from an event sent to a list that reflects it (bench/server/freshness.py), and requests at a
# fixed rate while a background refresh fits and swaps the pipeline.
# Not run by CI. Needs wrk (Debian's package), gcc and python3.
#
#   bench/server/run.sh [--seconds S] [--soak S] [--connections "1 10 50 200"]
#                       [--rates "500 1000 1500 2000"] [--port P]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$here/work"
seconds=10
soak=60
connections="1 10 50 200"
rates="500 1000 1500 2000"
port=8719
while (($#)); do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --soak) soak=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--soak S] [--connections \"1 10 50 200\"] [--rates \"500 1000 1500 2000\"] [--port P]" >&2; exit 64 ;;
    esac
done
command -v wrk >/dev/null || { echo "bench/server: needs wrk (apt-get install wrk)" >&2; exit 1; }

cd "$root"
swift build -c release --product shortlist
swift build -c release --package-path Server --product shortlist-server
.build/release/shortlist data fetch movielens-100k

# The shipped pipelines, reading the data in place, with a feedback store of the bench's own.
mkdir -p "$work"
rm -f "$work"/feedback.sqlite* "$work/server.log"
gcc -O2 -Wall -Wextra -o "$work/openloop" "$here/openloop.c"
sed -e "s|^  path: data/ml-100k|  path: $root/data/ml-100k|" pipelines.yaml > "$work/pipelines.yaml"
printf '\nfeedback-store: feedback.sqlite\n' >> "$work/pipelines.yaml"

url="http://127.0.0.1:$port"
server=
start() { # cache-mb [config [pipelines]]: a release server on $port
    Server/.build/release/shortlist-server --config "${2:-$work/pipelines.yaml}" --port "$port" \
        --cache-mb "$1" ${3:+--pipelines "$3"} >> "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 600); do
        curl -sf "$url/readyz" >/dev/null 2>&1 && return
        kill -0 $server 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
        sleep 1
    done
}
stop() { kill "$server" && wait "$server" 2>/dev/null || true; }
trap 'kill $server 2>/dev/null || true' EXIT

# Every request computed: no answers kept.
start 0

# Feedback to send: the items of bandit responses, each (request, item) once.
python3 - "$url" "$work/feedback.txt" <<'PY'
import http.client, json, sys, urllib.parse
url, out = urllib.parse.urlparse(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection(url.hostname, url.port)
with open(out, "w") as lines:
    for request in range(6000):
        body = json.dumps({"user": str(request % 943 + 1), "pipeline": "ab"})
        connection.request("POST", "/v1/recommend", body, {"Content-Type": "application/json"})
        answer = json.loads(connection.getresponse().read())
        for item in answer["recommendations"]:
            lines.write(f"{answer['requestId']} {item['item']}\n")
PY
echo "$(wc -l < "$work/feedback.txt") (request, item) pairs to reward"

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
settle() { # waits until the server has answered what the last run left queued
    local before after
    for _ in $(seq 120); do
        before=$(cpu)
        sleep 0.5
        after=$(cpu)
        ((after - before <= 2)) && return
    done
}
run() { # label connections [think-ms]: one wrk run, one table row
    local label=$1 c=$2 think=${3:-}
    local line
    settle
    line=$(THINK_MS=$think MODE=${label%% *} FEEDBACK="$work/feedback.txt" \
        wrk -t1 -c"$c" -d"${seconds}s" --timeout 10s -s "$here/load.lua" "$url" | grep '^RESULT')
    read -r _ rate p50 p99 p999 errors total <<<"$line"
    printf '%-30s %6s %8s %9s %9s %9s %8s %9s\n' "$label" "$c" "$rate" "$p50" "$p99" "$p999" \
        "$errors" "$total"
}
header() {
    printf '%-30s %6s %8s %9s %9s %9s %8s %9s\n' "$1" conns "req/s" "p50 ms" "p99 ms" \
        "p99.9 ms" errors requests
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk on one thread beside the server"
echo
header "closed loop ($seconds s each)"
for mode in recommend explain history; do
    for c in $connections; do run "$mode" "$c"; done
done
for c in $connections; do run feedback "$c"; done
echo
header "200 connections, paced"
for think in 400 250 200; do run "recommend (think ${think} ms)" 200 "$think"; done

# At fixed rates: what a user sees when the traffic does not wait for the server.
openloop() { # label rate method path [body]
    local label=$1 rate=$2
    shift 2
    settle
    local line
    line=$("$work/openloop" 127.0.0.1 "$port" "$rate" "$seconds" "$@")
    printf '%-30s %6s   %s\n' "$label" "$rate" "$line"
}
echo
echo "open loop ($seconds s each at a fixed rate; latency from when each request was due)"
for rate in $rates; do
    openloop "recommend (user 196)" "$rate" POST /v1/recommend '{"user": "196"}'
done
for rate in $rates; do openloop "healthz" "$rate" GET /healthz; done
# Event ingest: one click per request, each acknowledged once it is durable.
for rate in $rates; do
    openloop "events (one click)" "$rate" POST /v1/events \
        '{"events": [{"user": "bench", "item": "1", "kind": "click"}]}'
done
echo
settle
python3 "$here/freshness.py" "$url" --rounds 500

echo
echo "memory over a ${soak}-second closed-loop run of recommend at 200 connections (VmRSS, MB):"
settle
before=$(rss)
MODE=recommend wrk -t1 -c200 -d"${soak}s" -s "$here/load.lua" "$url" > "$work/soak.txt" &
soaker=$!
samples=()
for _ in $(seq $((soak / 5))); do
    sleep 5
    samples+=("$(($(rss) / 1024))")
done
wait $soaker
echo "  before $((before / 1024)); every 5 s: ${samples[*]}; after $(($(rss) / 1024))"
read -r _ rate p50 p99 p999 errors total < <(grep '^RESULT' "$work/soak.txt")
echo "  $total requests, $rate req/s, p99 $p99 ms, $errors errors"

# Repeated requests answered from the server's cache (each of the 943 users computed once).
stop
start 64
for user in $(seq 943); do
    curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"user\": \"$user\"}" \
        "$url/v1/recommend"
done
echo
header "recommend, cached ($seconds s each)"
for c in $connections; do run "recommend" "$c"; done

# Requests during a background refresh: the default pipeline alone at a fixed rate, without a
# refresh and then from the event that starts one (the server looks every 5 s; the fit, on one
# thread at a lower priority, and the swap fall inside the run).
stop
sed -e "s|^  unknown-items: refuse.*|&\n  refresh: {after-events: 1}|" "$work/pipelines.yaml" \
    > "$work/refresh.yaml"
refreshes() { grep -c "refreshed with the event log" "$work/server.log" || true; }
refreshed() { # count: waits until the server has refreshed `count` times in all
    for _ in $(seq 600); do
        (($(refreshes) >= $1)) && return
        sleep 1
    done
}
done_before=$(refreshes)
start 0 "$work/refresh.yaml" default
refreshed $((done_before + 1)) # the events of the runs above
echo
echo "recommend (user 196) at 100/s for 12 s, without a refresh, then from the event that starts one"
for round in 1 2 3; do
    settle
    printf '%-30s   %s\n' "  without" "$("$work/openloop" 127.0.0.1 "$port" 100 12 POST \
        /v1/recommend '{"user": "196"}')"
    curl -sf -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"events\": [{\"user\": \"bench-swap\", \"item\": \"$round\", \"kind\": \"click\"}]}" \
        "$url/v1/events"
    printf '%-30s   %s\n' "  during a refresh" "$("$work/openloop" 127.0.0.1 "$port" 100 12 POST \
        /v1/recommend '{"user": "196"}')"
    refreshed $((done_before + 1 + round))
    grep "refreshed with the event log" "$work/server.log" | tail -1 | sed 's/.*: \[ShortlistServer\] /  /'
done
