#!/usr/bin/env bash
# The CloudFormation CLI's own checks, for both types (guides/CONTRACT_TESTS.md, issue #21):
#   cfn validate; cfn generate changes nothing committed (but the accepted role narrowing, .ci/cfn-role-diff.py);
#   cfn submit --dry-run writes the same package as `mvn package` (.ci/cfn-zip-diff.py); and the unmodified
#   `cfn test` contract suite against each handler jar, KMS and SSM served by `keyhold emulator`, Lambda Invoke
#   by `keyhold lambda-invoke`.
# Needs what `mvn package` writes (target/*.jar, target/*.zip, target/keyhold.jar). The CLI is `cfn` on PATH if
# there is one (pip install cloudformation-cli cloudformation-cli-java-plugin), else ../shared/cfn-cli/cfn beside
# the repository; with neither it says SKIPPED and exits 0. Every CLI run happens in a scratch copy, so it cannot
# change the working tree.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=$SECONDS

if command -v cfn >/dev/null 2>&1; then
    cfn=("$(command -v cfn)")
    # The Python the pip-installed cfn runs on (its first line, else python3): it imports rpdk for the offline
    # `cfn test`.
    cfn_python=""
    for candidate in "$(head -1 "${cfn[0]}" | sed -e 's/^#! *//' -e 's/ .*//')" python3; do
        if "$candidate" -c 'import rpdk.core.cli, yaml' 2>/dev/null; then
            cfn_python="$candidate"
            break
        fi
    done
    if [[ -z "$cfn_python" ]]; then
        echo "cfn-cli-checks: found ${cfn[0]}, but no Python that imports its rpdk.core (tried its first line and python3)" >&2
        exit 1
    fi
    cfn_test_offline=("$cfn_python" "$root/.ci/cfn-test-offline.py")
    role_python="$cfn_python"
    echo "cfn-cli-checks: the CloudFormation CLI on PATH: ${cfn[0]}"
elif [[ -x "$root/../shared/cfn-cli/cfn" ]]; then
    shared="$(cd "$root/../shared/cfn-cli" && pwd)"
    # Its launcher runs on the system's Debian python3 and Debian's packages: install them when missing.
    if ! /usr/bin/python3 -c 'import boto3, jsonschema, jsonpatch, jinja2, yaml, requests, docker, colorama, ordered_set, pytest, hypothesis, werkzeug, pytest_localserver, random_order' 2>/dev/null; then
        # A machine that cannot install them (no root, no package registry) cannot run the CLI: say so as loudly as
        # when there is no CLI at all, rather than fail the build on the machine's behalf.
        if ! "$shared/install-deps.sh"; then
            echo "=================================================================================================="
            echo "SKIPPED: ../shared/cfn-cli found, but its Python packages could not be installed (install-deps.sh"
            echo "  failed, above): cfn validate, generate, submit --dry-run and the cfn test suite did NOT run."
            echo "=================================================================================================="
            exit 0
        fi
    fi
    cfn=("$shared/cfn")
    cfn_test_offline=("$shared/cfn-test-offline")
    role_python=/usr/bin/python3
    echo "cfn-cli-checks: the CloudFormation CLI in $shared"
else
    echo "=================================================================================================="
    echo "SKIPPED: no CloudFormation CLI found (cfn on PATH or ../shared/cfn-cli)"
    echo "  cfn validate, cfn generate, cfn submit --dry-run and the cfn test contract suite did NOT run."
    echo "  pip install cloudformation-cli cloudformation-cli-java-plugin, then run .ci/cfn-cli-checks.sh"
    echo "=================================================================================================="
    exit 0
fi
"${cfn[@]}" --version

for jar in target/keyhold.jar target/keyhold-kms-customkeystoreconnection-handler-1.0.0.jar \
        target/keyhold-kms-customkeystore-handler-1.0.0.jar target/keyhold-kms-customkeystoreconnection.zip \
        target/keyhold-kms-customkeystore.zip; do
    if [[ ! -f "$jar" ]]; then
        echo "cfn-cli-checks: $jar is missing: run mvn -B -ntp package -DskipTests (or verify) first" >&2
        exit 2
    fi
done

scratch="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$scratch"
}
trap cleanup EXIT

# A copy of the working tree's files (what git tracks or would add), as a git repository of its own: what the CLI
# changes there shows in `git status`.
copy="$scratch/copy"
mkdir -p "$copy"
git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$copy"
git -C "$copy" init -q
git -C "$copy" add -A
git -C "$copy" -c user.name=ci -c user.email=ci@localhost commit -qm "working tree"

# folder (in the copy), type name, hyphenated name, handler jar
types=(
    ".|Keyhold::KMS::CustomKeyStoreConnection|keyhold-kms-customkeystoreconnection|keyhold-kms-customkeystoreconnection-handler-1.0.0.jar"
    "custom-key-store|Keyhold::KMS::CustomKeyStore|keyhold-kms-customkeystore|keyhold-kms-customkeystore-handler-1.0.0.jar"
)

step() { echo; echo "== $* ($((SECONDS - started)) s)"; }

for entry in "${types[@]}"; do
    IFS='|' read -r folder type hyphenated jar <<< "$entry"

    step "$type: cfn validate"
    (cd "$copy/$folder" && "${cfn[@]}" validate)

    step "$type: cfn generate changes nothing committed"
    (cd "$copy/$folder" && "${cfn[@]}" generate)
    role="$folder/resource-role.yaml"
    role="${role#./}"
    changed="$(git -C "$copy" status --porcelain | grep -v -F " $role" || true)"
    if [[ -n "$changed" ]]; then
        echo "cfn generate in $folder changed committed files (commit what it writes, or explain the difference):" >&2
        echo "$changed" >&2
        git -C "$copy" diff >&2
        exit 1
    fi
    git -C "$copy" show "HEAD:$role" > "$scratch/committed-role.yaml"
    "$role_python" .ci/cfn-role-diff.py "$scratch/committed-role.yaml" "$copy/$role" "$type"
    git -C "$copy" checkout -q -- .

    step "$type: cfn submit --dry-run = mvn package's target/$hyphenated.zip"
    # The project folder without src/ (which the Java plugin packs whole, tests and local tooling included):
    # what ships, as src/assembly/registry-package*.xml decides.
    submit="$scratch/submit-$hyphenated"
    mkdir -p "$submit/target"
    # resource-role.yaml is not packed, but `cfn submit` without --dry-run needs it (the execution role).
    cp "$copy/$folder/.rpdk-config" "$copy/$folder/pom.xml" "$copy/$folder/resource-role.yaml" "$submit/"
    cp -L "$copy/$folder/schema.json" "$submit/$hyphenated.json"
    cp -r "$copy/$folder/inputs" "$submit/inputs"
    cp "target/$jar" "$submit/target/"
    (cd "$submit" && "${cfn[@]}" submit --dry-run)
    "$role_python" .ci/cfn-zip-diff.py "target/$hyphenated.zip" "$submit/$hyphenated.zip"
done

step "cfn test: the contract suite, against keyhold emulator and keyhold lambda-invoke"
# The connection type's inputs name a key store that must exist: seeded DISCONNECTED. The key store type's suite
# creates and deletes its own. --time-scale 0.1: connects and disconnects ten times faster (the suite waits).
cat > "$scratch/seed.json" <<'SEED'
{"stores": [{"id": "cks-1234567890abcdef0", "name": "keyhold-contract-tests", "type": "EXTERNAL_KEY_STORE",
  "state": "DISCONNECTED", "xksProxy": {"uriEndpoint": "https://xks.example.com", "uriPath": "/kms/xks/v1",
  "connectivity": "PUBLIC_ENDPOINT"}}]}
SEED
# Prints its first line, "... listening on http://127.0.0.1:<port> ...", once it is serving.
listening() {
    local out="$1" pid="$2"
    for _ in $(seq 1 600); do
        if grep -q -o 'http://127\.0\.0\.1:[0-9]*' "$out" 2>/dev/null; then
            grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" | head -1
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "cfn-cli-checks: did not start:" >&2
    cat "$out" >&2
    return 1
}
java -Djava.io.tmpdir="$scratch" -jar target/keyhold.jar emulator --port 0 --seed "$scratch/seed.json" \
    --time-scale 0.1 > "$scratch/emulator.out" 2>&1 &
pids+=($!)
emulator="$(listening "$scratch/emulator.out" "${pids[-1]}")"

# The templates' CodeUri is target/<jar> from the repository root: the build's jars, in the copy.
mkdir -p "$copy/target"
for entry in "${types[@]}"; do
    IFS='|' read -r folder type hyphenated jar <<< "$entry"
    cp "target/$jar" "$copy/target/"
    mkdir -p "$scratch/tmp-$hyphenated"
    # The plugin's wrapper empties java.io.tmpdir on every request: a folder of its own.
    java -Djava.io.tmpdir="$scratch/tmp-$hyphenated" -jar target/keyhold.jar lambda-invoke \
        --template "$copy/$folder/template.yml" --endpoint-url "$emulator" --port 0 \
        --log "$scratch/$hyphenated-handler.log" > "$scratch/$hyphenated-lambda.out" 2>&1 &
    pids+=($!)
    invoke="$(listening "$scratch/$hyphenated-lambda.out" "${pids[-1]}")"
    step "$type: cfn test (Lambda Invoke at $invoke, KMS and SSM at $emulator)"
    log="$scratch/$hyphenated-cfn-test.log"
    if ! (cd "$copy/$folder" && "${cfn_test_offline[@]}" --endpoint "$invoke" -- -rs) \
            > "$log" 2>&1; then
        grep -v 'Caught LookupError when pruning' "$log" | tail -150 >&2
        echo "cfn test failed for $type (handler log: $scratch/$hyphenated-handler.log, printed below)" >&2
        tail -60 "$scratch/$hyphenated-handler.log" >&2
        exit 1
    fi
    grep -E '^(SKIPPED \[|=+ .*(passed|failed))' "$log"
    # A skip is accepted only for a reason the suite gives from the schema (no tagging, no writable identifier).
    unexpected="$(grep -E '^SKIPPED \[' "$log" | grep -v -E 'Resource is not taggable|Resource is not tagUpdatable|No writable identifiers' || true)"
    if [[ -n "$unexpected" ]]; then
        echo "cfn test skipped tests for another reason than the schema's:" >&2
        echo "$unexpected" >&2
        exit 1
    fi
    # What ran: each input set's pass and skip counts, as guides/CONTRACT_TESTS.md gives them. A lost input set
    # (the external key store's, with its nested write-only secret) or a test that starts skipping fails here.
    ran="$(grep -o -E '[0-9]+ passed, [0-9]+ skipped' "$log" | paste -sd ';' -)"
    case "$type" in
        Keyhold::KMS::CustomKeyStoreConnection) expected="13 passed, 2 skipped" ;;
        Keyhold::KMS::CustomKeyStore) expected="11 passed, 4 skipped;11 passed, 4 skipped" ;;
    esac
    if [[ "$ran" != "$expected" ]]; then
        echo "cfn test for $type: '$ran', expected '$expected' (one per input set); update CONTRACT_TESTS.md and" \
            "this script together if the suite or the inputs changed on purpose" >&2
        exit 1
    fi
    # Every write-only value of the inputs (the schema's writeOnlyProperties, nested ones included) stays out of
    # the handler's log.
    if ! "$role_python" - "$copy/$folder" "$scratch/$hyphenated-handler.log" <<'PY'
import json, pathlib, sys
folder, log = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()
schema = json.loads((folder / "schema.json").read_text())
paths = [p.removeprefix("/properties/").split("/") for p in schema.get("writeOnlyProperties", [])]
def values(model, path):
    if not path:
        return [model] if isinstance(model, str) else []
    return values(model.get(path[0]), path[1:]) if isinstance(model, dict) else []
found = [v for f in sorted((folder / "inputs").glob("*.json")) for p in paths
         for v in values(json.loads(f.read_text()), p) if len(v) >= 6 and v in log]
if found:
    sys.exit(f"cfn test: {len(found)} write-only value(s) of inputs/ appear in the handler's log")
PY
    then
        exit 1
    fi
done

echo
echo "cfn-cli-checks: all passed in $((SECONDS - started)) s"
