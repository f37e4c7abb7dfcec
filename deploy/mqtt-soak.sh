#!/usr/bin/env bash
# The broker-restart soak of issue 11: vigil replays the test photos (the demo camera: 2 fps, a person or animal event on
# most frames) with an mqtt: section pointing at a Mosquitto this script starts on 127.0.0.1 at a free port; the broker
# is stopped every --period and started again after --outage. A subscriber with a persistent session (mosquitto_sub -q 1
# -c -i ..., so the broker keeps what arrives while it is away) logs vigil/# to a file. Every 10 s the daemon's RSS is
# read from /proc. At the end every event of events.jsonl must have arrived on <prefix>/events as a `new` or `update`
# carrying its event_id; the script prints lost, duplicated and out-of-order counts and the RSS growth, and exits 1 on
# a lost event or RSS growth > 5 MB/h.
#
#   deploy/mqtt-soak.sh [--duration 1h|12m|90s] [--period 5m] [--outage 30] [--images DIR] [--keep DIR]
#
# Needs: the repo's ./vigil launcher (builds the jar), Java 25, mosquitto and mosquitto-clients, python3.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
duration=3600 period=300 outage=30 keep="" images="${VIGIL_TEST_IMAGES:-}"
seconds() {
  case "$1" in
    *h) echo $(( ${1%h} * 3600 )) ;; *m) echo $(( ${1%m} * 60 )) ;; *s) echo "${1%s}" ;; *) echo "$1" ;;
  esac
}
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$(seconds "$2")"; shift 2 ;;
    --period) period="$(seconds "$2")"; shift 2 ;;
    --outage) outage="$(seconds "$2")"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "mqtt-soak: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$duration" =~ ^[0-9]+$ && "$duration" -ge 60 ]] || { echo "mqtt-soak: --duration must be at least 60 s, e.g. 12m or 1h" >&2; exit 2; }
[ "$outage" -lt "$period" ] || { echo "mqtt-soak: --outage ($outage s) must be shorter than --period ($period s)" >&2; exit 2; }
[ -z "$images" ] || [ -d "$images" ] || { echo "mqtt-soak: no photos folder $images; give --images DIR (vigil images pull --all fills one)" >&2; exit 2; }
[ -x /usr/sbin/mosquitto ] || { echo "mqtt-soak: /usr/sbin/mosquitto is needed (apt-get install mosquitto)" >&2; exit 2; }
for tool in mosquitto_sub python3; do
  command -v "$tool" >/dev/null || { echo "mqtt-soak: $tool is needed (apt-get install mosquitto-clients python3)" >&2; exit 2; }
done

work="${keep:-$(mktemp -d /tmp/vigil-mqtt-soak.XXXXXX)}"
mkdir -p "$work/broker"
# Without --images: the test-images catalog's photos, from the mirror or pulled once, as the demo gets them.
[ -n "$images" ] || images="$("$root/vigil" images pull --all --into "$work/images" | tail -n 1)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mqtt_port="$(free_port)" http_port="$(free_port)"
prefix="vigil/soak"
now() { date +%s.%N; }
calc() { awk "BEGIN {printf \"%.3f\", $1}"; }
gt() { awk "BEGIN {exit !($1 > $2)}"; }

# Persistence: the subscriber's session and what waits for it survive the broker's restart (saved on SIGTERM).
cat > "$work/broker/mosquitto.conf" <<EOF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $work/broker/
max_queued_messages 0
log_dest file $work/broker/mosquitto.log
EOF

# The demo camera (config/demo.yaml) with MQTT.
cat > "$work/soak.yaml" <<EOF
model: ssd_mobilenet_v1_coco_quant
threads: 2
http: { listen: "127.0.0.1:$http_port" }
events: { dir: $work/events }
cameras:
  demo:
    source: { folder: "$images", fps: 2, loop: true }
    groups:
      person: { labels: [person], min_score: 0.5 }
      animal: { labels: [cat, dog, bird, horse, sheep, cow, bear], min_score: 0.5 }
    confirm: { frames: 1, of: 1 }
    cooldown_s: 0
    tracking: false
alarm: { triggered_s: 2, cooldown_s: 0 }
gpio:
  mock: true
  outputs:
    led: { pin: 23, kind: led }
  actions:
    - { group: person, output: led, pulse_ms: 1000 }
mqtt:
  url: mqtt://127.0.0.1:$mqtt_port
  device: soak
  qos: 1
  keepalive_s: 10
  status_interval_s: 10
EOF

broker_pid="" daemon_pid="" sub_pid="" sampler_pid=""
start_broker() {
  /usr/sbin/mosquitto -c "$work/broker/mosquitto.conf" >>"$work/broker/stdout.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$mqtt_port") 2>/dev/null && return 0; sleep 0.05; done
  echo "mqtt-soak: mosquitto did not start (see $work/broker/)" >&2; return 1
}
stop_broker() { [ -n "$broker_pid" ] && kill -TERM "$broker_pid" 2>/dev/null; wait "$broker_pid" 2>/dev/null || true; broker_pid=""; }
# -c -i: a persistent session; -T: the JPEG topics are not printed (binary, and not what is compared).
start_sub() {
  mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -q 1 -c -i vigil-mqtt-soak -v -t "vigil/#" \
    -T "$prefix/+/snapshot" -T "$prefix/+/+/snapshot" >>"$work/sub.log" 2>>"$work/sub.err" &
  sub_pid=$!
}
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  [ -n "$sub_pid" ] && kill "$sub_pid" 2>/dev/null || true
  stop_broker
}
trap cleanup EXIT

echo "mqtt-soak: $duration s, broker on 127.0.0.1:$mqtt_port stopped every $period s for $outage s; work dir $work"
start_broker
start_sub
sleep 0.5
"$root/vigil" run --config "$work/soak.yaml" >>"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 900); do grep -q "^$prefix/available online" "$work/sub.log" 2>/dev/null && break; kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.2; done
grep -q "^$prefix/available online" "$work/sub.log" || { echo "mqtt-soak: vigil never said online (see $work/daemon.log)" >&2; tail -20 "$work/daemon.log" >&2; exit 1; }
t0="$(now)"
( while sleep 10; do r="$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null)" && [ -n "$r" ] && echo "$(now) $r"; done ) >"$work/rss.txt" &
sampler_pid=$!

crashes=0 restarts=0 sub_restarts=0
next_stop="$(calc "$t0 + $period")" end="$(calc "$t0 + $duration")"
while gt "$end" "$(now)"; do
  kill -0 "$daemon_pid" 2>/dev/null || { crashes=1; echo "mqtt-soak: the daemon died (see $work/daemon.log)" >&2; break; }
  if ! kill -0 "$sub_pid" 2>/dev/null && [ -n "$broker_pid" ]; then sub_restarts=$((sub_restarts + 1)); start_sub; fi
  if gt "$(now)" "$next_stop"; then
    stop_broker
    echo "mqtt-soak: broker stopped at $(date -u +%T) for $outage s"
    sleep "$outage"
    start_broker
    restarts=$((restarts + 1))
    next_stop="$(calc "$next_stop + $period")"
  fi
  sleep 1
done
# The events written until now must arrive: wait (up to 60 s) for the last of them, then stop vigil cleanly.
cp "$work/events/events.jsonl" "$work/events-at-end.jsonl" 2>/dev/null || : > "$work/events-at-end.jsonl"
last_id="$(tail -1 "$work/events-at-end.jsonl" | python3 -c 'import json,sys; l=sys.stdin.read().strip(); print(json.loads(l)["id"] if l else "")')"
for _ in $(seq 120); do [ -z "$last_id" ] || grep -q "\"event_id\":\"$last_id\"" "$work/sub.log" && break; sleep 0.5; done
sample="$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null)" && echo "$(now) $sample" >>"$work/rss.txt" || true
kill "$sampler_pid" 2>/dev/null || true; sampler_pid=""
kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
sleep 1

python3 - "$work" "$prefix" "$crashes" "$restarts" "$sub_restarts" "$duration" <<'PY'
import json, os, sys
work, prefix, crashes, restarts, sub_restarts, duration = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
written = [json.loads(l)["id"] for l in open(os.path.join(work, "events-at-end.jsonl")) if l.strip()]
received, types = [], {}
with open(os.path.join(work, "sub.log"), "rb") as f:
    for raw in f:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        topic, _, payload = line.partition(" ")
        if topic != prefix + "/events":
            continue
        try:
            m = json.loads(payload)
        except ValueError:
            continue
        types[m.get("type")] = types.get(m.get("type"), 0) + 1
        if m.get("type") in ("new", "update"):
            received.append(m["event_id"])
got = set(received)
lost = [i for i in written if i not in got]
firsts, seen = [], set()
for i in received:
    if i not in seen:
        seen.add(i); firsts.append(i)
order = {i: n for n, i in enumerate(written)}
ranked = [order[i] for i in firsts if i in order]
out_of_order = sum(1 for a, b in zip(ranked, ranked[1:]) if b < a)
missed = []
print("---- mqtt soak figures (%s) ----" % work)
print("broker restarts: %d; subscriber restarts: %d; daemon crashes: %d" % (restarts, sub_restarts, crashes))
print("events written: %d; of them received as new/update: %d; lost: %d; first arrivals out of journal order: %d"
      % (len(written), len(got & set(written)), len(lost), out_of_order))
print("new/update messages: %d for %d events (%d duplicates; %d written after the end's cut)"
      % (len(received), len(got), len(received) - len(got), len(got - set(written))))
print("messages on %s/events by type: %s" % (prefix, ", ".join("%s %d" % kv for kv in sorted(types.items(), key=lambda kv: str(kv[0])))))
if lost:
    print("lost ids (first 10): " + ", ".join(lost[:10])); missed.append("%d lost" % len(lost))
if crashes: missed.append("crash")
if not written: missed.append("no event written")
samples = [tuple(map(float, l.split())) for l in open(os.path.join(work, "rss.txt")) if len(l.split()) == 2]
warm = [s for s in samples if s[0] - samples[0][0] >= max(120, duration / 6)] if samples else []
if samples:
    print("RSS: first %.0f MB, last %.0f MB, max %.0f MB" % (samples[0][1] / 1024, samples[-1][1] / 1024, max(s[1] for s in samples) / 1024))
if len(warm) >= 3:
    xs = [s[0] for s in warm]; ys = [s[1] / 1024 for s in warm]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    growth = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs) * 3600
    print("RSS growth after warm-up: %.1f MB/h (linear fit over %.1f min, %d samples)" % (growth, (xs[-1] - xs[0]) / 60, len(xs)))
    if growth > 5: missed.append("RSS growth %.1f MB/h > 5" % growth)
else:
    print("RSS growth: too few samples after warm-up to judge")
print("targets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
sys.exit(1 if missed else 0)
PY
