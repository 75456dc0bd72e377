#!/usr/bin/env bash
# Keyhold start-up and size benchmark. A benchmark, not a test: never part of `mvn verify` or CI.
# It measures both resource types' handler jars the same way (Keyhold::KMS::CustomKeyStoreConnection and
# Keyhold::KMS::CustomKeyStore: the per-type settings below), and the custom-resource function's.
#
#   bench/run.sh [--runs N] [--no-build] [--baseline <another handler jar>]
#
# --baseline adds rows for another build of the connection type's handler jar (e.g. one built from an older
# commit), measured in the same run, so that before/after figures share the machine's conditions.
#
# Needs what the README asks for (JDK 17, Maven). Uses hyperfine (Debian package `hyperfine`) and GNU time
# (`/usr/bin/time`, package `time`) when present, installs them with apt-get when running as root, and
# otherwise falls back to a plain timing loop (and no RSS figure).
#
# It builds the handler jars, starts the local KMS + SSM emulator (stopped on exit), proves each shaded jar works
# (every handler path through bench.HandlerPaths / bench.StorePaths, and each benchmarked READ must answer as
# expected), then measures in one run: a hello-world JVM (the start-up floor), one cold READ per type in a fresh JVM
# under several JVM option sets, peak RSS, the jars' sizes and largest entries, the issue's targets per type, and the
# poll-cost tables (the connection type's transitions, the key store type's paths).
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
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=target/bench
jar=target/keyhold-kms-customkeystoreconnection-handler-1.0.0.jar
cr_jar=target/keyhold-custom-resource-1.0.0.jar   # the custom-resource function's own jar (custom-resource.yaml)
pkg=com.keyhold.kms.customkeystoreconnection

# ---- the two resource types ------------------------------------------------------------------------------------
# Everything below that measures a handler jar does it once per type, from these settings. The benchmarked READ is
# a real CloudFormation request (protocol 2.0.0, callerCredentials) through the type's wrapper, run by the
# HandlerWrapperExecutable in the type's jar.
stack_arn=arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-bench/0a6e5e40-8a2b-11ee-b9d1-0242ac120002
read_request() { # <type name> <logical id> <resource properties JSON>
  printf '{"awsAccountId":"123456789012","bearerToken":"5f0c8d3e-7b1a-4c2e-9f6d-2a4b8c0e1f3a","region":"us-east-1","action":"READ","resourceType":"%s","resourceTypeVersion":"00000001","stackId":"%s","requestData":{"callerCredentials":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","sessionToken":"session-token"},"logicalResourceId":"%s","resourceProperties":%s},"callbackContext":null}' \
    "$1" "$stack_arn" "$2" "$3"
}
types=(connection store)
declare -A type_name type_jar type_classes type_entry type_read type_answer type_answer_text type_paths type_label type_prefix
type_name[connection]=Keyhold::KMS::CustomKeyStoreConnection
type_label[connection]="connection type"
type_prefix[connection]=""
type_jar[connection]=$jar
type_classes[connection]=$out/classes
type_entry[connection]=$pkg.HandlerWrapperExecutable
type_paths[connection]=bench.HandlerPaths
# READ of a key store nobody manages: one ssm:GetParameter, ParameterNotFound, NotFound.
type_read[connection]=$(read_request "${type_name[connection]}" KeyStoreConnection '{"CustomKeyStoreId":"cks-0000000000000bench"}')
type_answer[connection]='*__CFN_RESOURCE_START_RESPONSE__*"status":"FAILED"*"errorCode":"NotFound"*__CFN_RESOURCE_END_RESPONSE__*'
type_answer_text[connection]="FAILED / NotFound (one ssm:GetParameter)"
type_name[store]=Keyhold::KMS::CustomKeyStore
type_label[store]="key store type"
type_prefix[store]="store-"
type_jar[store]=target/keyhold-kms-customkeystore-handler-1.0.0.jar
type_classes[store]=$out/store-classes
type_entry[store]=com.keyhold.kms.customkeystore.HandlerWrapperExecutable
type_paths[store]=bench.StorePaths
# READ of a CONNECTED CloudHSM key store (seeded below): kms:DescribeCustomKeyStores and ssm:GetParameter (its store
# record, which no stack wrote here), SUCCESS with its model.
type_read[store]=$(read_request "${type_name[store]}" KeyStore '{"CustomKeyStoreId":"cks-5000000000000b001"}')
type_answer[store]='*__CFN_RESOURCE_START_RESPONSE__*"status":"SUCCESS"*"cks-5000000000000b001"*__CFN_RESOURCE_END_RESPONSE__*'
type_answer_text[store]="SUCCESS with the key store's model (kms:DescribeCustomKeyStores, ssm:GetParameter)"

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
for t in "${types[@]}"; do
  [ -f "${type_jar[$t]}" ] || die "${type_jar[$t]} is missing: run without --no-build"
done
mkdir -p "$out"
mvn_ dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp_all="target/classes:target/test-classes:$(cat "$out/cp.txt")"

rm -rf "$out/classes" "$out/store-classes" "$out/hello" "$out/poll" "$out/tmp"
mkdir -p "$out/classes" "$out/store-classes" "$out/hello" "$out/poll" "$out/tmp"
javac -d "$out/hello" bench/hello/Hello.java
javac -d "$out/classes" -cp "$jar" bench/src/bench/HandlerPaths.java bench/src/bench/Invocations.java
javac -d "$out/store-classes" -cp "${type_jar[store]}" bench/src/bench/StorePaths.java bench/src/bench/Invocations.java
custom_resource=0
if [ -f "$cr_jar" ]; then
  custom_resource=1
  javac -Xlint:-deprecation -d "$out/classes" -cp "$cr_jar" bench/src/bench/ResponseSink.java \
    bench/src/bench/CustomResourceCold.java src/main/java/com/keyhold/kms/customkeystoreconnection/protocol/LocalLambdaContext.java
fi
javac -d "$out/poll" -cp "$cp_all" bench/src/com/keyhold/kms/customkeystoreconnection/core/PollCostTable.java \
  bench/src/com/keyhold/kms/customkeystore/DanceCostTable.java

# ---- emulator ----------------------------------------------------------------------------------------------
# cks-1234567890abcdef0 for bench.HandlerPaths; b001 (the key store type's benchmarked READ) and b002 (its dance
# and its delete of a CONNECTED key store) for bench.StorePaths.
cat > "$out/seed.json" <<'EOF'
{"stores": [{"id": "cks-1234567890abcdef0", "name": "bench-hsm", "type": "AWS_CLOUDHSM", "state": "DISCONNECTED",
             "cloudHsmClusterId": "cluster-234567abcdefg", "keyCount": 0},
            {"id": "cks-5000000000000b001", "name": "bench-store-hsm", "type": "AWS_CLOUDHSM", "state": "CONNECTED",
             "cloudHsmClusterId": "cluster-bench2345abcd", "keyCount": 0},
            {"id": "cks-5000000000000b002", "name": "bench-store-xks", "type": "EXTERNAL_KEY_STORE", "state": "CONNECTED",
             "xksProxy": {"uriEndpoint": "https://xks-bench.example.com", "uriPath": "/kms/xks/v1",
                          "connectivity": "PUBLIC_ENDPOINT", "accessKeyId": "ABCDEFGHIJKLMNOPQRST"}, "keyCount": 0}]}
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

# ---- the shaded jars work ---------------------------------------------------------------------------------
for t in "${types[@]}"; do
  echo "bench: every handler path of the ${type_label[$t]} through its shaded jar (${type_paths[$t]})" >&2
  log=$out/class-load-${type_prefix[$t]}paths.log
  java -Djava.io.tmpdir="$out/tmp" -Xlog:class+load=info:file="$log" \
    -cp "${type_jar[$t]}:${type_classes[$t]}" "${type_paths[$t]}" > "$out/${type_prefix[$t]}paths.txt" 2> "$out/${type_prefix[$t]}paths.err" \
    || { cat "$out/${type_prefix[$t]}paths.txt" >&2; tail -30 "$out/${type_prefix[$t]}paths.err" >&2; die "a ${type_label[$t]} path failed on the shaded jar"; }
  if grep -E 'NoClassDefFoundError|ClassNotFoundException|NoSuchMethodError|VerifyError' "$out/${type_prefix[$t]}paths.err" >&2; then
    die "the ${type_label[$t]}'s shaded jar misses a class on a handler path (above)"
  fi
  response=$(java -cp "${type_jar[$t]}" "${type_entry[$t]}" "${type_read[$t]}" 2> "$out/${type_prefix[$t]}read.err")
  # shellcheck disable=SC2254
  case "$response" in
    ${type_answer[$t]}) ;;
    *) echo "$response" >&2; tail -20 "$out/${type_prefix[$t]}read.err" >&2
       die "the ${type_label[$t]}'s benchmarked READ did not answer ${type_answer_text[$t]}" ;;
  esac
done

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
# Lambda's java21 runtime (Keyhold's; java17's did the same) stops tiered compilation at C1 and uses the serial
# collector by default, and the JVM sizes its heap from the function's memory (its cgroup limit), emulated here with
# -XX:MaxRAM. Run on a JDK 21 (JAVA_HOME/PATH) to measure the JVM that runtime runs.
lambda_like="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=1g"
names=(hello); labels=("hello-world JVM (floor)"); opts=(""); jars=(""); kinds=(hello); rtypes=("")
for t in "${types[@]}"; do
  # AppCDS archive for the informational row: a training run of the same READ dumps what it loaded.
  cds="$out/${type_prefix[$t]}handler-read.jsa"
  rm -f "$cds"
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAM=1g -XX:ArchiveClassesAtExit="$cds" \
    -cp "${type_jar[$t]}" "${type_entry[$t]}" "${type_read[$t]}" > /dev/null 2>&1 || true
  p=${type_prefix[$t]}
  l=$([ "$t" = connection ] || echo "${type_label[$t]}: ")
  names+=("${p}read" "${p}read-c1" "${p}read-lambda" "${p}read-lambda-appcds")
  labels+=("${l}cold READ, JVM defaults"
           "${l}cold READ, -XX:TieredStopAtLevel=1"
           "${l}cold READ, Lambda java21 defaults (C1, SerialGC), 1 GB"
           "${l}cold READ, Lambda-like + AppCDS archive (not available to registry handlers)")
  opts+=("" "-XX:TieredStopAtLevel=1" "$lambda_like" "$lambda_like -XX:SharedArchiveFile=$cds")
  jars+=("${type_jar[$t]}" "${type_jar[$t]}" "${type_jar[$t]}" "${type_jar[$t]}")
  kinds+=(read read read read)
  rtypes+=("$t" "$t" "$t" "$t")
done
if [ "$custom_resource" = 1 ]; then
  names+=(cr cr-c1)
  labels+=("custom-resource function, cold Update answered NotFound, JVM defaults"
           "custom-resource function, same, Lambda-like with custom-resource.yaml's JAVA_TOOL_OPTIONS, 1 GB")
  opts+=("" "-XX:+TieredCompilation $lambda_like")
  jars+=("$cr_jar" "$cr_jar")
  kinds+=(cr cr)
  rtypes+=("" "")
fi
if [ -n "$baseline" ]; then
  [ -f "$baseline" ] || die "no such jar: $baseline"
  names+=(base-read base-read-c1 base-read-lambda)
  labels+=("BASELINE jar: cold READ, JVM defaults" "BASELINE jar: cold READ, -XX:TieredStopAtLevel=1"
           "BASELINE jar: cold READ, Lambda java21 defaults (C1, SerialGC), 1 GB")
  opts+=("" "-XX:TieredStopAtLevel=1" "$lambda_like")
  jars+=("$baseline" "$baseline" "$baseline")
  kinds+=(read read read)
  rtypes+=(connection connection connection)
fi

cmd() { # <index>: the command line, as an array in $c
  # shellcheck disable=SC2206
  case "${kinds[$1]}" in
    hello) c=(java -cp "$out/hello" Hello) ;;
    read) t=${rtypes[$1]}
          c=(java ${opts[$1]} -Djava.io.tmpdir="$out/tmp" -cp "${jars[$1]}" "${type_entry[$t]}" "${type_read[$t]}") ;;
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

# ---- peak RSS and CPU time -----------------------------------------------------------------------------------
# CPU time (user + system) comes with the same runs: on a shared machine it moves much less with the load than the
# wall-clock time does, so it tells a slower start from a busier machine.
rss="$out/rss.csv"   # name,median KiB,max KiB,median CPU seconds
: > "$rss"
if [ "$have_time" = 1 ]; then
  for _ in 1 2 3 4 5; do
    for i in "${!names[@]}"; do
      cmd "$i"
      echo "${names[$i]},$(/usr/bin/time -v "${c[@]}" 2>&1 >/dev/null | awk -F': ' '
        /Maximum resident set size/ {r = $2} /User time/ {u = $2} /System time/ {y = $2} END {print r "," u + y}')"
    done
  done > "$out/rss-samples.csv"
  for n in "${names[@]}"; do
    peak=$(awk -F, -v n="$n" '$1 == n {print $2}' "$out/rss-samples.csv" | sort -n \
      | awk '{v[NR] = $1} END {printf "%d,%d", v[int((NR + 1) / 2)], v[NR]}')
    cpu=$(awk -F, -v n="$n" '$1 == n {print $3}' "$out/rss-samples.csv" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
    echo "$n,$peak,$cpu" >> "$rss"
  done
fi

# ---- report ------------------------------------------------------------------------------------------------
mb() { awk -v s="$1" 'BEGIN {printf "%.1f MB", s/1e6}'; }
{
  echo "# Keyhold benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average at start $(cut -d' ' -f1-3 /proc/loadavg). $(java -version 2>&1 | sed -n 2p)."
  echo "Timing: $([ "$have_hyperfine" = 1 ] && hyperfine --version || echo 'shell loop'), $runs interleaved rounds after one warm-up round (every command once per round). Peak RSS and CPU time: GNU time, median of 5 interleaved runs."
  echo
  echo "| what | median (ms) | min (ms) | mean ± σ (ms) | median / floor | min / floor | peak RSS (MiB) | CPU user + sys (ms) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for i in "${!names[@]}"; do
    n=${names[$i]}
    awk -F, -v n="$n" -v label="${labels[$i]}" -v rssfile="$rss" '
      BEGIN {while ((getline l < rssfile) > 0) {split(l, r, ","); peak[r[1]] = r[2]; cpu[r[1]] = r[4]}}
      $1 == "hello" {fm = $4; fmin = $5}
      {mean[$1] = $2; sd[$1] = $3; med[$1] = $4; mn[$1] = $5}
      END {printf "| %s | %.0f | %.0f | %.0f ± %.0f | %.1f× | %.1f× | %s | %s |\n", label, med[n]*1000, mn[n]*1000,
             mean[n]*1000, sd[n]*1000, med[n]/fm, mn[n]/fmin, (n in peak) ? sprintf("%.1f", peak[n]/1024) : "n/a",
             (n in cpu) ? sprintf("%.0f", cpu[n]*1000) : "n/a"}
    ' "$timing"
  done
  echo
  if [ "$custom_resource" = 0 ]; then
    echo "Custom-resource function cold start: pending ($cr_jar is not in this build)."
    echo
  fi
  echo "Benchmarked READ per type: $(for t in "${types[@]}"; do printf '%s, %s; ' "${type_name[$t]}" "${type_answer_text[$t]}"; done)"
  echo
  echo "Targets (issue 14; the cold READ as Lambda's java21 runtime runs it, C1 and SerialGC, 1 GB; on $(java -version 2>&1 | sed -n 1p | cut -d'"' -f2)):"
  echo
  echo "| type | jar ≤ 20 MB | cold READ ≤ 18 × hello-world (median) | peak RSS ≤ 110 MiB |"
  echo "|---|---|---|---|"
  for t in "${types[@]}"; do
    awk -F, -v n="${type_prefix[$t]}read-lambda" -v name="${type_name[$t]}" -v size="$(stat -c %s "${type_jar[$t]}")" -v rssfile="$rss" '
      BEGIN {while ((getline l < rssfile) > 0) {split(l, r, ","); peak[r[1]] = r[2]}}
      {med[$1] = $4}
      END {ratio = med[n] / med["hello"];
           printf "| %s | %.1f MB: %s | %.1f ×: %s | %s |\n", name, size / 1e6, size <= 20e6 ? "pass" : "**FAIL**",
             ratio, ratio <= 18 ? "pass" : "**FAIL**",
             (n in peak) ? sprintf("%.1f MiB: %s", peak[n] / 1024, peak[n] / 1024 <= 110 ? "pass" : "**FAIL**") : "n/a"}
    ' "$timing"
  done
  echo
  for t in "${types[@]}"; do
    j=${type_jar[$t]}
    echo "Shaded handler jar of the ${type_label[$t]} ($j): $(stat -c %s "$j") bytes ($(mb "$(stat -c %s "$j")")), $(unzip -Z1 "$j" | wc -l) entries."
  done
  if [ "$custom_resource" = 1 ]; then
    crsize=$(stat -c %s "$cr_jar")
    echo "Custom-resource function jar: $crsize bytes ($(mb "$crsize")), $(unzip -Z1 "$cr_jar" | wc -l) entries."
  fi
  if [ -n "$baseline" ]; then
    bsize=$(stat -c %s "$baseline")
    echo "Baseline jar ($baseline): $bsize bytes ($(mb "$bsize")), $(unzip -Z1 "$baseline" | wc -l) entries."
  fi
  for t in "${types[@]}"; do
    j=${type_jar[$t]}
    echo
    echo "Largest entries of the ${type_label[$t]}'s jar (compressed bytes, uncompressed bytes, name):"
    echo
    echo '```'
    unzip -v "$j" | awk 'NR > 3 && $1 ~ /^[0-9]+$/ && NF >= 8 {print $3, $1, $8}' | sort -rn | head -15 || true
    echo '```'
    echo
    echo "Largest packages in the ${type_label[$t]}'s jar (compressed bytes, entries):"
    echo
    echo '```'
    unzip -v "$j" | awk 'NR > 3 && $1 ~ /^[0-9]+$/ && NF >= 8 {n = split($8, a, "/"); k = a[1];
        for (j = 2; j < n && j <= 5; j++) k = k "/" a[j]; s[k] += $3; c[k]++}
        END {for (k in s) printf "%9d %6d %s\n", s[k], c[k], k}' | sort -rn | head -12 || true
    echo '```'
  done
  echo
  for t in "${types[@]}"; do
    log=$out/class-load-${type_prefix[$t]}paths.log
    count() { grep -c "$1" "$log" || true; }
    echo "Classes loaded by the ${type_label[$t]}'s handler-path run (${type_paths[$t]}), by source: $(count 'source: file:.*handler.*\.jar') from the"\
         "handler jar, $(count 'source: shared objects file') from the JDK's CDS archive, $(count 'source: jrt:/') from JDK modules."
    echo
  done
  echo "Poll cost of the connection type (SPEC section 2; virtual clock, PollScheduleTest.simulateConnect):"
  echo
  java -cp "$out/poll:$cp_all" $pkg.core.PollCostTable 5 60 300 1200 2400
  echo
  echo "API cost of the key store type's paths (DanceCostTest.measure: its HandlerWrapper against the emulator on a"
  echo "virtual clock, the production PollSchedule, calls counted from the emulator's request log):"
  echo
  java -cp "$out/poll:$cp_all" com.keyhold.kms.customkeystore.DanceCostTable
} > "$out/results.md"
cat "$out/results.md"
