#!/usr/bin/env bash
# Keyhold start-up and size benchmark. A benchmark, not a test: never part of `mvn verify` or CI.
#
#   bench/run.sh [--runs N] [--no-build] [--baseline <another handler jar>]
#
# --baseline adds rows for another build of the handler jar (e.g. one built from an older commit), measured in the
# same run, so that before/after figures share the machine's conditions.
#
# Needs what the README asks for (JDK 17, Maven). Uses hyperfine (Debian package `hyperfine`) and GNU time
# (`/usr/bin/time`, package `time`) when present, installs them with apt-get when running as root, and
# otherwise falls back to a plain timing loop (and no RSS figure).
#
# It builds the handler jar, starts the local KMS + SSM emulator (stopped on exit), proves the shaded jar works
# (every handler path through bench.HandlerPaths, and the benchmarked READ must answer NotFound), then measures in
# one run: a hello-world JVM (the start-up floor), one cold READ through HandlerWrapperExecutable in a fresh JVM
# under several JVM option sets, peak RSS, the jar's size and largest entries, and the poll-cost table.
# It rebuilds target/ (unless --no-build) and writes everything else to target/bench/ (results.md: the summary).
set -euo pipefail

runs=10
build=1
baseline=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --baseline) baseline=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=target/bench
jar=target/keyhold-kms-customkeystoreconnection-handler-1.0.0.jar
cr_jar=target/keyhold-custom-resource-1.0.0.jar   # the custom-resource function's own jar (custom-resource.yaml)
main=com.keyhold.kms.customkeystoreconnection.HandlerWrapperExecutable
pkg=com.keyhold.kms.customkeystoreconnection

die() { echo "bench: $*" >&2; exit 1; }
# The port a server started in the background ($1, logging to $2) reports, found with the sed expression $3; waits up
# to 10 s. Runs in a command substitution, so its callers exit when it fails.
reported_port() {
  local found
  for _ in $(seq 1 100); do
    found=$(sed -n "$3" "$2" | head -1)
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$1" 2>/dev/null || { cat "$2" >&2; die "$4 did not start"; }
    sleep 0.1
  done
  die "$4 did not report its port (see $2)"
}
command -v java >/dev/null || die "java (JDK 17) is not on the PATH"
command -v mvn >/dev/null || die "mvn is not on the PATH"

install_if_missing() { # <command> <debian package>
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing $2 (apt-get)" >&2
    apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null 2>&1; } || true
  fi
  command -v "$1" >/dev/null
}
have_hyperfine=0; install_if_missing hyperfine hyperfine && have_hyperfine=1
have_time=0; { [ -x /usr/bin/time ] || install_if_missing /usr/bin/time time; } && [ -x /usr/bin/time ] && have_time=1

mvn_() { mvn -q -o "$@" || mvn -q "$@"; }   # offline first: the README set-up leaves a populated ~/.m2

# ---- build ---------------------------------------------------------------------------------------------------
if [ "$build" = 1 ]; then
  echo "bench: building (mvn clean package -DskipTests)" >&2
  mvn_ clean package -DskipTests
fi
[ -f "$jar" ] || die "$jar is missing: run without --no-build"
mkdir -p "$out"
mvn_ dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp_all="target/classes:target/test-classes:$(cat "$out/cp.txt")"

rm -rf "$out/classes" "$out/hello" "$out/poll" "$out/tmp"
mkdir -p "$out/classes" "$out/hello" "$out/poll" "$out/tmp"
javac -d "$out/hello" bench/hello/Hello.java
javac -d "$out/classes" -cp "$jar" bench/src/bench/HandlerPaths.java
custom_resource=0
if [ -f "$cr_jar" ]; then
  custom_resource=1
  javac -Xlint:-deprecation -d "$out/classes" -cp "$cr_jar" bench/src/bench/ResponseSink.java \
    bench/src/bench/CustomResourceCold.java src/main/java/com/keyhold/kms/customkeystoreconnection/protocol/LocalLambdaContext.java
fi
javac -d "$out/poll" -cp "$cp_all" bench/src/com/keyhold/kms/customkeystoreconnection/core/PollCostTable.java

# ---- emulator ----------------------------------------------------------------------------------------------
cat > "$out/seed.json" <<'EOF'
{"stores": [{"id": "cks-1234567890abcdef0", "name": "bench-hsm", "type": "AWS_CLOUDHSM", "state": "DISCONNECTED",
             "cloudHsmClusterId": "cluster-234567abcdefg", "keyCount": 0}]}
EOF
java -cp "$cp_all" $pkg.local.emulator.EmulatorCommand --port 0 --seed "$out/seed.json" \
  --connect-seconds 1 --disconnect-seconds 1 --no-throttling > "$out/emulator.log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT INT TERM
port=$(reported_port "$emulator" "$out/emulator.log" 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' \
  "the emulator") || exit 1
endpoint=http://127.0.0.1:$port
sink=
if [ "$custom_resource" = 1 ]; then   # the custom-resource function's ResponseURL, in its own JVM
  : > "$out/responses.log"
  java -cp "$out/classes" bench.ResponseSink "$out/responses.log" > "$out/sink.log" 2>&1 &
  sink=$!
  trap 'kill "$emulator" $sink 2>/dev/null || true; wait "$emulator" $sink 2>/dev/null || true' EXIT INT TERM
  sink_port=$(reported_port "$sink" "$out/sink.log" 's/.*listening on port \([0-9]*\).*/\1/p' \
    "the response sink") || exit 1
  response_url=http://127.0.0.1:$sink_port
fi
# The handler uses the request's callerCredentials; these only keep the SDK from looking for others. All four
# services the handler and the plugin call are pointed at the emulator: nothing leaves this machine.
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export AWS_ENDPOINT_URL_KMS=$endpoint AWS_ENDPOINT_URL_SSM=$endpoint
export AWS_ENDPOINT_URL_CLOUDWATCH=$endpoint AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=$endpoint AWS_ENDPOINT_URL_LAMBDA=$endpoint
unset AWS_LAMBDA_FUNCTION_NAME JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS

# ---- the shaded jar works ----------------------------------------------------------------------------------
echo "bench: every handler path through the shaded jar" >&2
java -Djava.io.tmpdir="$out/tmp" -Xlog:class+load=info:file="$out/class-load-paths.log" \
  -cp "$jar:$out/classes" bench.HandlerPaths > "$out/paths.txt" 2> "$out/paths.err" \
  || { cat "$out/paths.txt" >&2; tail -30 "$out/paths.err" >&2; die "a handler path failed on the shaded jar"; }
if grep -E 'NoClassDefFoundError|ClassNotFoundException|NoSuchMethodError|VerifyError' "$out/paths.err" >&2; then
  die "the shaded jar misses a class on a handler path (above)"
fi

# READ of a key store nobody manages: one ssm:GetParameter, ParameterNotFound, NotFound.
read_json='{"awsAccountId":"123456789012","bearerToken":"5f0c8d3e-7b1a-4c2e-9f6d-2a4b8c0e1f3a","region":"us-east-1","action":"READ","resourceType":"Keyhold::KMS::CustomKeyStoreConnection","resourceTypeVersion":"00000001","stackId":"arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-bench/0a6e5e40-8a2b-11ee-b9d1-0242ac120002","requestData":{"callerCredentials":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","sessionToken":"session-token"},"logicalResourceId":"KeyStoreConnection","resourceProperties":{"CustomKeyStoreId":"cks-0000000000000bench"}},"callbackContext":null}'
response=$(java -cp "$jar" $main "$read_json" 2> "$out/read.err")
case "$response" in
  *__CFN_RESOURCE_START_RESPONSE__*'"status":"FAILED"'*'"errorCode":"NotFound"'*__CFN_RESOURCE_END_RESPONSE__*) ;;
  *) echo "$response" >&2; tail -20 "$out/read.err" >&2; die "the benchmarked READ did not answer NotFound" ;;
esac

if [ "$custom_resource" = 1 ]; then
  echo "bench: every custom-resource path through the shaded jar" >&2
  : > "$out/responses.log"
  java -Djava.io.tmpdir="$out/tmp" -Xlog:class+load=info:file="$out/class-load-custom-resource.log" \
    -cp "$cr_jar:$out/classes" bench.CustomResourceCold "$response_url" --paths > /dev/null 2> "$out/custom-resource-paths.err" \
    || { tail -30 "$out/custom-resource-paths.err" >&2; die "a custom-resource path failed on the shaded jar"; }
  got=$(sed -n 's/^PUT {"Status":"\([A-Z]*\)".*/\1/p' "$out/responses.log" | paste -sd' ')
  # create, update, continuation (FAILED: no Lambda endpoint here, but the Invoke was made), delete, delete of a failed create
  [ "$got" = "SUCCESS SUCCESS FAILED SUCCESS SUCCESS" ] && grep -q 'Lambda refused the asynchronous Invoke' "$out/responses.log" \
    || { cat "$out/responses.log" >&2; die "the custom-resource paths answered '$got'"; }
  if grep -E 'NoClassDefFoundError|ClassNotFoundException|NoSuchMethodError|VerifyError' "$out/custom-resource-paths.err" >&2; then
    die "the shaded jar misses a class on a custom-resource path (above)"
  fi
  : > "$out/responses.log"
  java -cp "$cr_jar:$out/classes" bench.CustomResourceCold "$response_url/cold" > /dev/null 2>&1
  grep -q '^PUT {"Status":"FAILED","Reason":"NotFound: ' "$out/responses.log" \
    || { cat "$out/responses.log" >&2; die "the benchmarked custom-resource Update did not answer FAILED NotFound"; }
fi

# ---- start-up ----------------------------------------------------------------------------------------------
# AppCDS archive for the informational row: a training run of the same READ dumps what it loaded.
cds="$out/handler-read.jsa"
rm -f "$cds"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=1g -XX:ArchiveClassesAtExit="$cds" -cp "$jar" $main "$read_json" \
  > /dev/null 2>&1 || true

# Lambda's java21 runtime (Keyhold's; java17's did the same) stops tiered compilation at C1 and uses the serial
# collector by default, and the JVM sizes its heap from the function's memory (its cgroup limit), emulated here with
# -XX:MaxRAM. Run on a JDK 21 (JAVA_HOME/PATH) to measure the JVM that runtime runs.
lambda_like="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=1g"
names=(hello read read-c1 read-lambda read-lambda-appcds)
labels=("hello-world JVM (floor)"
        "cold READ, JVM defaults"
        "cold READ, -XX:TieredStopAtLevel=1"
        "cold READ, Lambda java21 defaults (C1, SerialGC), 1 GB"
        "cold READ, Lambda-like + AppCDS archive (not available to registry handlers)")
opts=("" "" "-XX:TieredStopAtLevel=1" "$lambda_like" "$lambda_like -XX:SharedArchiveFile=$cds")
jars=("" "$jar" "$jar" "$jar" "$jar")
kinds=(hello read read read read)
if [ "$custom_resource" = 1 ]; then
  names+=(cr cr-c1)
  labels+=("custom-resource function, cold Update answered NotFound, JVM defaults"
           "custom-resource function, same, Lambda-like with custom-resource.yaml's JAVA_TOOL_OPTIONS, 1 GB")
  opts+=("" "-XX:+TieredCompilation $lambda_like")
  jars+=("$cr_jar" "$cr_jar")
  kinds+=(cr cr)
fi
if [ -n "$baseline" ]; then
  [ -f "$baseline" ] || die "no such jar: $baseline"
  names+=(base-read base-read-c1 base-read-lambda)
  labels+=("BASELINE jar: cold READ, JVM defaults" "BASELINE jar: cold READ, -XX:TieredStopAtLevel=1"
           "BASELINE jar: cold READ, Lambda java21 defaults (C1, SerialGC), 1 GB")
  opts+=("" "-XX:TieredStopAtLevel=1" "$lambda_like")
  jars+=("$baseline" "$baseline" "$baseline")
  kinds+=(read read read)
fi

cmd() { # <index>: the command line, as an array in $c
  # shellcheck disable=SC2206
  case "${kinds[$1]}" in
    hello) c=(java -cp "$out/hello" Hello) ;;
    read) c=(java ${opts[$1]} -Djava.io.tmpdir="$out/tmp" -cp "${jars[$1]}" $main "$read_json") ;;
    cr) c=(java ${opts[$1]} -cp "${jars[$1]}:$out/classes" bench.CustomResourceCold "$response_url/cold") ;;
  esac
}

timing="$out/timing.csv"   # name,mean,stddev,median,min (seconds)
samples="$out/samples.csv" # name,seconds: every timed run
# Interleaved rounds: each round runs every command once, so a burst of load from another process on the machine
# falls on all rows alike instead of on whichever command happened to be running (this machine is shared).
echo "bench: timing ${#names[@]} commands, $runs interleaved rounds (+1 warm-up) (load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null))" >&2
: > "$samples"
for round in $(seq 0 "$runs"); do
  if [ "$have_hyperfine" = 1 ]; then
    args=()
    for i in "${!names[@]}"; do
      cmd "$i"; q=$(printf '%q ' "${c[@]}")
      args+=(-n "${names[$i]}" "$q")
    done
    hyperfine -N --runs 1 --style none --export-csv "$out/round.csv" "${args[@]}" > "$out/hyperfine.txt" 2>&1 \
      || { cat "$out/hyperfine.txt" >&2; die "hyperfine failed"; }
    [ "$round" = 0 ] || awk -F, 'NR > 1 {print $1 "," $2}' "$out/round.csv" >> "$samples"
  else
    for i in "${!names[@]}"; do
      cmd "$i"
      t0=$(date +%s%N); "${c[@]}" > /dev/null 2>&1; t1=$(date +%s%N)
      [ "$round" = 0 ] || echo "${names[$i]},$(awk -v d=$(( t1 - t0 )) 'BEGIN {printf "%.6f", d / 1e9}')" >> "$samples"
    done
  fi
done
: > "$timing"
for n in "${names[@]}"; do
  awk -F, -v n="$n" '$1 == n {print $2}' "$samples" | sort -g | awk -v n="$n" '{v[NR] = $1; s += $1; q += $1 * $1}
    END {m = s / NR; var = q / NR - m * m; md = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
         printf "%s,%f,%f,%f,%f\n", n, m, (var > 0 ? sqrt(var) : 0), md, v[1]}' >> "$timing"
done

# ---- peak RSS ------------------------------------------------------------------------------------------------
rss="$out/rss.csv"   # name,median KiB,max KiB
: > "$rss"
if [ "$have_time" = 1 ]; then
  for _ in 1 2 3 4 5; do
    for i in "${!names[@]}"; do
      cmd "$i"
      echo "${names[$i]},$(/usr/bin/time -v "${c[@]}" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')"
    done
  done > "$out/rss-samples.csv"
  for n in "${names[@]}"; do
    awk -F, -v n="$n" '$1 == n {print $2}' "$out/rss-samples.csv" | sort -n \
      | awk -v n="$n" '{v[NR] = $1} END {printf "%s,%d,%d\n", n, v[int((NR + 1) / 2)], v[NR]}' >> "$rss"
  done
fi

# ---- report ------------------------------------------------------------------------------------------------
size=$(stat -c %s "$jar")
entries=$(unzip -Z1 "$jar" | wc -l)
{
  echo "# Keyhold benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg). $(java -version 2>&1 | sed -n 2p)."
  echo "Timing: $([ "$have_hyperfine" = 1 ] && hyperfine --version || echo 'shell loop'), $runs interleaved rounds after one warm-up round (every command once per round). Peak RSS: GNU time, median of 5 interleaved runs."
  echo
  echo "| what | median (ms) | min (ms) | mean ± σ (ms) | median / floor | min / floor | peak RSS (MiB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for i in "${!names[@]}"; do
    n=${names[$i]}
    awk -F, -v n="$n" -v label="${labels[$i]}" -v rssfile="$rss" '
      BEGIN {while ((getline l < rssfile) > 0) {split(l, r, ","); peak[r[1]] = r[2]}}
      $1 == "hello" {fm = $4; fmin = $5}
      {mean[$1] = $2; sd[$1] = $3; med[$1] = $4; mn[$1] = $5}
      END {printf "| %s | %.0f | %.0f | %.0f ± %.0f | %.1f× | %.1f× | %s |\n", label, med[n]*1000, mn[n]*1000,
             mean[n]*1000, sd[n]*1000, med[n]/fm, mn[n]/fmin, (n in peak) ? sprintf("%.1f", peak[n]/1024) : "n/a"}
    ' "$timing"
  done
  echo
  if [ "$custom_resource" = 0 ]; then
    echo "Custom-resource function cold start: pending ($cr_jar is not in this build)."
    echo
  fi
  echo "Shaded handler jar: $size bytes ($(awk -v s="$size" 'BEGIN {printf "%.1f MB", s/1e6}')), $entries entries."
  if [ "$custom_resource" = 1 ]; then
    crsize=$(stat -c %s "$cr_jar")
    echo "Custom-resource function jar: $crsize bytes ($(awk -v s="$crsize" 'BEGIN {printf "%.1f MB", s/1e6}')), $(unzip -Z1 "$cr_jar" | wc -l) entries."
  fi
  if [ -n "$baseline" ]; then
    bsize=$(stat -c %s "$baseline")
    echo "Baseline jar ($baseline): $bsize bytes ($(awk -v s="$bsize" 'BEGIN {printf "%.1f MB", s/1e6}')), $(unzip -Z1 "$baseline" | wc -l) entries."
  fi
  echo
  echo "Largest entries (compressed bytes, uncompressed bytes, name):"
  echo
  echo '```'
  unzip -v "$jar" | awk 'NR > 3 && $1 ~ /^[0-9]+$/ && NF >= 8 {print $3, $1, $8}' | sort -rn | head -15 || true
  echo '```'
  echo
  echo "Largest packages in the jar (compressed bytes, entries):"
  echo
  echo '```'
  unzip -v "$jar" | awk 'NR > 3 && $1 ~ /^[0-9]+$/ && NF >= 8 {n = split($8, a, "/"); k = a[1];
      for (j = 2; j < n && j <= 5; j++) k = k "/" a[j]; s[k] += $3; c[k]++}
      END {for (k in s) printf "%9d %6d %s\n", s[k], c[k], k}' | sort -rn | head -12 || true
  echo '```'
  echo
  count() { grep -c "$1" "$out/class-load-paths.log" || true; }
  echo "Classes loaded by the handler-path run (bench.HandlerPaths), by source: $(count 'source: file:.*\.jar') from the"\
       "handler jar, $(count 'source: shared objects file') from the JDK's CDS archive, $(count 'source: jrt:/') from JDK modules."
  echo
  echo "Poll cost (SPEC section 2; virtual clock, PollScheduleTest.simulateConnect):"
  echo
  java -cp "$out/poll:$cp_all" $pkg.core.PollCostTable 5 60 300 1200 2400
} > "$out/results.md"
cat "$out/results.md"
