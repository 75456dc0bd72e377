#!/usr/bin/env bash
# Usage: bench/artifact-usage.sh <classpath file from dependency:build-classpath> <class-load log>...
# For every jar on the classpath: how many of its classes the logged JVM runs loaded, of how many it has.
# An artifact with 0 loaded classes is a candidate for exclusion (check its static references first).
set -euo pipefail
cp_file=$1; shift
loaded=$(mktemp); trap 'rm -f "$loaded"' EXIT
# -Xlog:class+load lines: "[..][info][class,load] a.b.C source: ..."; keep classes that came from a jar or directory
sed -nE 's/.*\[class,load\] ([^ ]+) source: (file:|jar:).*/\1/p' "$@" | sort -u > "$loaded"
printf '%-60s %8s %8s %10s\n' artifact classes loaded jar-bytes
tr ':' '\n' < "$cp_file" | grep '\.jar$' | while read -r jar; do
  name=$(basename "$jar" .jar)
  total=$(unzip -Z1 "$jar" 2>/dev/null | grep '\.class$' | grep -v 'module-info\|META-INF/versions' | wc -l || true)
  used=$(unzip -Z1 "$jar" 2>/dev/null | grep '\.class$' | grep -v 'module-info\|META-INF/versions' \
    | sed 's/\.class$//; s|/|.|g' | sort -u | comm -12 - "$loaded" | wc -l || true)
  printf '%-60s %8d %8d %10d\n' "$name" "$total" "$used" "$(stat -c %s "$jar")"
done | sort -k3,3n -k4,4nr
