#!/usr/bin/env bash
# The key store type's delete in an account of many KMS keys. A benchmark, not a test: never part of `mvn verify`.
#
#   bench/delete-keys.sh [KEYS]        (default 20000)
#
# KMS cannot list the keys of one key store, so a delete describes every key of the account before it disconnects
# anything (guides/KEY_STORE.md, "Delete"). This drives that delete through the type's HandlerWrapper, the SDK over
# HTTP to the in-process emulator, with the production budget per invocation, and prints the calls by operation, the
# invocations (CloudFormation call-backs) and the wall time, for a key store with no key and for one with a key on
# the last page. Needs the test classes: it builds them with Maven (offline) unless target/test-classes exists.
set -euo pipefail
keys=${1:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=target/bench
mkdir -p "$out/delete"
[ -d target/test-classes ] || mvn -B -ntp -q -o test-compile
[ -f "$out/cp.txt" ] || mvn -B -ntp -q -o dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp_all="target/classes:target/test-classes:$(cat "$out/cp.txt")"
javac -d "$out/delete" -cp "$cp_all" bench/src/com/keyhold/kms/customkeystore/DeleteKeyCountBench.java
echo "$(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git rev-parse --short HEAD)"
java -cp "$out/delete:$cp_all" com.keyhold.kms.customkeystore.DeleteKeyCountBench "$keys" 2>/dev/null
