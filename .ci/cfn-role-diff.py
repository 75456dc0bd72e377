#!/usr/bin/python3
"""The one accepted difference between a committed resource-role.yaml and the one `cfn generate` writes.

`cfn generate` rewrites resource-role.yaml with one statement granting every schema permission on "*". Keyhold
keeps its own file, committed: the same role (trust policy, session duration, path, outputs) and the same
actions, split into statements so that some actions are granted on narrower resources (and lose the CLI's
comments). This check passes only when that is the whole difference, and when the narrowed actions are exactly
the ones listed below: a new narrowed action, an action missing or added, or any other change to the role fails
until it is looked at and this list changed on purpose.

usage: cfn-role-diff.py <committed resource-role.yaml> <generated resource-role.yaml> <type name>
"""
import sys

import yaml

# Actions the committed roles grant on less than "*" (guides/OPERATIONS.md, registration.yaml's policies).
NARROWED = {
    "Keyhold::KMS::CustomKeyStoreConnection": {
        "ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter", "ssm:GetParametersByPath",
        "cloudformation:DescribeStackResources",
    },
    "Keyhold::KMS::CustomKeyStore": {
        "iam:CreateServiceLinkedRole", "ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter",
        "cloudformation:DescribeStackResources",
    },
}


def statements(template):
    policies = template["Resources"]["ExecutionRole"]["Properties"]["Policies"]
    if len(policies) != 1:
        raise SystemExit(f"expected one policy, found {len(policies)}")
    return policies[0]["PolicyDocument"]["Statement"]


def actions(statement):
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def main(committed_path, generated_path, type_name):
    with open(committed_path, encoding="utf-8") as f:
        committed = yaml.safe_load(f)
    with open(generated_path, encoding="utf-8") as f:
        generated = yaml.safe_load(f)
    problems = []

    generated_statements = statements(generated)
    if len(generated_statements) != 1 or generated_statements[0].get("Resource") != "*":
        problems.append("the generated role is no longer one statement on \"*\": this check needs a look")
    generated_actions = actions(generated_statements[0])

    committed_statements = statements(committed)
    committed_actions = set().union(*(actions(s) for s in committed_statements))
    if committed_actions != generated_actions:
        problems.append(f"actions differ: only committed {sorted(committed_actions - generated_actions)}, "
                        f"only generated {sorted(generated_actions - committed_actions)}")
    narrowed = set()
    for statement in committed_statements:
        if statement.get("Effect") != "Allow":
            problems.append(f"statement {statement.get('Sid')} is not Allow")
        if statement.get("Resource") != "*":
            narrowed |= actions(statement)
    expected = NARROWED.get(type_name)
    if expected is None:
        problems.append(f"no accepted narrowing listed for {type_name}")
    elif narrowed != expected:
        problems.append(f"narrowed actions are {sorted(narrowed)}, the accepted list is {sorted(expected)}")

    # Everything but the policy statements must be what the CLI writes.
    for template in (committed, generated):
        template["Resources"]["ExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"] = None
    if committed != generated:
        problems.append("the role differs from the generated one outside the policy statements "
                        "(trust policy, MaxSessionDuration, path, outputs or description)")

    if problems:
        print(f"{type_name}: {committed_path} is not the accepted difference from `cfn generate`'s role:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{type_name}: the committed resource-role.yaml differs from `cfn generate`'s only by narrowing {sorted(narrowed)} (accepted)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    sys.exit(main(*sys.argv[1:]))
