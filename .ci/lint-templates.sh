#!/usr/bin/env bash
# Lints every CloudFormation template of the project with cfn-lint, with the Keyhold resource schema
# supplied (--registry-schemas) so that the linter knows both types: Keyhold::KMS::CustomKeyStoreConnection
# (schema.json) and Keyhold::KMS::CustomKeyStore (custom-key-store/schema.json).
#
#   bash .ci/lint-templates.sh            # from anywhere; exits non-zero on any cfn-lint error
#   bash .ci/lint-templates.sh FILE...    # lint only these templates
#
# Standalone: needs bash, python3 and cfn-lint (1.x). If cfn-lint is missing it tries
# `pip install cfn-lint`; where PyPI cannot be reached (neither Debian nor npm packages AWS's
# cfn-lint: the npm package of that name is another tool) it stops with a message saying so.
#
# cfn-lint 1.x (seen on 1.51.0) loads --registry-schemas but its property and GetAtt rules look
# schemas up only in their bundled per-Region tables, so a registry type's properties go unchecked:
# a wrong ConnectionState passes. This script runs cfn-lint's own entry point with that lookup
# taught to return the registry schema, and only when a probe shows the lookup ignores it (so a
# fixed cfn-lint runs unpatched). The probe and the patch are printed when used.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "lint-templates: cfn-lint not found; trying: pip install cfn-lint" >&2
    if ! { command -v pip >/dev/null 2>&1 && pip install --quiet cfn-lint; } \
        && ! { command -v pip3 >/dev/null 2>&1 && pip3 install --quiet cfn-lint; }; then
        cat >&2 <<'MSG'
lint-templates: cannot install cfn-lint. It is a Python package on PyPI only (not in Debian, and
the npm package "cfn-lint" is a different tool). Install it where PyPI is reachable
(pip install cfn-lint) and run this script again.
MSG
        exit 2
    fi
    hash -r
fi

# The Python interpreter that runs cfn-lint: its script's shebang (pip entry point), else python3.
cfn_lint_bin="$(command -v cfn-lint)"
if command -v pyenv >/dev/null 2>&1 && pyenv which cfn-lint >/dev/null 2>&1; then
    cfn_lint_bin="$(pyenv which cfn-lint)"
fi
python_bin="$(head -n1 "$cfn_lint_bin" | sed -n 's/^#!\([^ ]*python[0-9.]*\).*$/\1/p')"
if [[ -z "$python_bin" ]] || ! "$python_bin" -c 'import cfnlint' >/dev/null 2>&1; then
    python_bin=python3
fi
if ! "$python_bin" -c 'import cfnlint' >/dev/null 2>&1; then
    echo "lint-templates: cfn-lint is on PATH but no Python here imports cfnlint" >&2
    exit 2
fi

# cfn-lint checks the runtimes of the templates (E2531, E2533, W2531; never suppressed here) but not the one in
# .rpdk-config, which the registry runs the handler on: checked here against the same table. LambdaRuntimeTest checks
# everything against a checked-in copy of that table; say when this cfn-lint's table is newer than the copy.
"$python_bin" - <<'PY'
import datetime, json, os, sys

import cfnlint

table_path = os.path.join(os.path.dirname(cfnlint.__file__), "data", "AdditionalSpecs", "LmbdRuntimeLifecycle.json")
copy_path = "src/test/resources/cfn-lint/LmbdRuntimeLifecycle.json"
with open(table_path) as f:
    table = json.load(f)
with open(copy_path) as f:
    if json.load(f) != table:
        print(f"lint-templates: note: {table_path} differs from {copy_path} (read by LambdaRuntimeTest): "
              f"copy it over and update the version in LambdaRuntimeTest's comment", file=sys.stderr)
with open(".rpdk-config") as f:
    runtime = json.load(f).get("runtime")
entry = table.get(runtime)
today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
if entry is None or entry["deprecated"] <= today:
    print(f".rpdk-config: runtime {runtime!r} is " + ("not a Lambda runtime cfn-lint knows" if entry is None else
          f"deprecated since {entry['deprecated']}; move to {entry['successor']}"), file=sys.stderr)
    sys.exit(1)
PY

schemas="$(mktemp -d)"
trap 'rm -rf "$schemas"' EXIT
cp schema.json "$schemas/keyhold-kms-customkeystoreconnection.json"
cp custom-key-store/schema.json "$schemas/keyhold-kms-customkeystore.json"

if [[ $# -gt 0 ]]; then
    templates=("$@")
else
    templates=(examples/*.yaml registration.yaml template.yml custom-resource.yaml resource-role.yaml
        custom-key-store/template.yml custom-key-store/resource-role.yaml)
fi

echo "lint-templates: $("$python_bin" -m cfnlint --version 2>/dev/null || cfn-lint --version) on ${templates[*]}" >&2

"$python_bin" - --registry-schemas "$schemas" --format parseable -- "${templates[@]}" <<'PY'
import sys

from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER, ProviderSchemaManager

schemas_dir = sys.argv[sys.argv.index("--registry-schemas") + 1]
probe = ProviderSchemaManager()
probe.load_registry_schemas(schemas_dir)
type_name = next(iter(probe._registry_schemas))
if not list(probe.get_resource_schemas_by_regions(type_name, ["us-east-1"])):
    print(f"lint-templates: this cfn-lint ignores registry schemas in property checks; "
          f"validating {', '.join(probe._registry_schemas)} against their schemas", file=sys.stderr)
    original = ProviderSchemaManager.get_resource_schemas_by_regions

    def get_resource_schemas_by_regions(self, resource_type, regions):
        registry = getattr(self, "_registry_schemas", {})
        if resource_type in registry:
            yield list(regions), registry[resource_type]
            return
        yield from original(self, resource_type, regions)

    ProviderSchemaManager.get_resource_schemas_by_regions = get_resource_schemas_by_regions

from cfnlint.runner import main

sys.argv[0] = "cfn-lint"
sys.exit(main())
PY
