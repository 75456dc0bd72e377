#!/usr/bin/env bash
# Prints the shade <include> lines that keep, of an AWS SDK v2 service jar's model package, what the named
# operations can load: their request and response classes (with builders) and every structure and enum they
# reach, and what every modeled exception reaches; then each operation's request marshaller (transform/). The pom keeps on top of that every *Request class without
# its builders (the client's bytecode verifier loads them all when it links the client) and every exception.
#   bench/sdk-model-closure.sh <service jar> <service package, e.g. ssm> <Operation>...
# Re-run it and update pom.xml when the handler (or the plugin) calls a new operation of that service.
set -euo pipefail
jar=$1; svc=$2; shift 2
pkg="software.amazon.awssdk.services.$svc.model"
edges=$(mktemp); trap 'rm -f "$edges" "$edges.seen" "$edges.next"' EXIT
# "a.b.C -> a.b.D  jarname" lines, inside the model package only
jdeps -verbose:class -filter:none "$jar" 2>/dev/null \
  | awk -v p="$pkg." '$2 == "->" && index($1, p) == 1 && index($3, p) == 1 {print $1, $3}' > "$edges"
{
  for op in "$@"; do echo "$pkg.${op}Request"; echo "$pkg.${op}Response"; done
  unzip -Z1 "$jar" | sed -n "s|^software/amazon/awssdk/services/$svc/model/\([A-Za-z0-9]*Exception\)\.class$|$pkg.\1|p"
} | sort -u > "$edges.seen"
cp "$edges.seen" "$edges.next"
while [ -s "$edges.next" ]; do
  awk 'NR == FNR {want[$1]; next} ($1 in want) {print $2}' "$edges.next" "$edges" | sort -u \
    | comm -23 - "$edges.seen" > "$edges.new" || true
  mv "$edges.new" "$edges.next"
  sort -u "$edges.seen" "$edges.next" -o "$edges.seen"
done
# outer class names only (an inner class ships with its outer one), minus what the generic patterns keep
sed -E "s/^$pkg\.//; s/\\$.*//" "$edges.seen" | sort -u \
  | grep -vE 'Exception$' \
  | while read -r cls; do
      printf '<include>software/amazon/awssdk/services/%s/model/%s.class</include>\n' "$svc" "$cls"
      printf '<include>software/amazon/awssdk/services/%s/model/%s$*</include>\n' "$svc" "$cls"
    done
for op in "$@"; do
  printf '<include>software/amazon/awssdk/services/%s/transform/%sRequestMarshaller.class</include>\n' "$svc" "$op"
done
