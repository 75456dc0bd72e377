"""`cfn test` with no AWS account, for a CloudFormation CLI installed with pip (`cfn` on PATH).

The same two replacements as ../shared/cfn-cli/cfn-test-offline (which serves the bundled CLI): the account ID
that `cfn test` asks AWS STS for (GetCallerIdentity) comes from CFN_OFFLINE_ACCOUNT (default 123456789012), and
placeholder credentials with a session token are set when none are, so no GetSessionToken is asked either.
Run it with the Python that the pip-installed `cfn` runs on (the interpreter of its first line).

usage: python cfn-test-offline.py [cfn test options] [-- pytest options]
"""
import os
import re
import sys

sys.dont_write_bytecode = True


def main(args):
    account = os.environ.get("CFN_OFFLINE_ACCOUNT", "123456789012")
    if not re.fullmatch(r"\d{12}", account):
        sys.exit(f"cfn-test-offline: CFN_OFFLINE_ACCOUNT must be 12 digits, not {account!r}")
    if not os.environ.get("AWS_ACCESS_KEY_ID") and not os.environ.get("AWS_PROFILE"):
        os.environ["AWS_ACCESS_KEY_ID"] = "AKIAOFFLINEEXAMPLE00"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "offline-placeholder-secret"
        os.environ["AWS_SESSION_TOKEN"] = "offline-placeholder-session-token"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

    import rpdk.core.boto_helpers
    import rpdk.core.contract.hook_client
    import rpdk.core.contract.resource_client

    def get_account(_session, _temporary_credentials):
        return account

    # The contract clients imported get_account by name: each module's reference is replaced.
    for module in (rpdk.core.boto_helpers, rpdk.core.contract.resource_client, rpdk.core.contract.hook_client):
        module.get_account = get_account

    from rpdk.core.cli import main as cfn_main

    sys.argv[0] = "cfn"
    cfn_main(["test", *args])


if __name__ == "__main__":
    main(sys.argv[1:])
