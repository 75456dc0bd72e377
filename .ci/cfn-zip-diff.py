#!/usr/bin/python3
"""Compares the registry package `mvn package` writes with the one `cfn submit --dry-run` writes, entry by entry.

Both must hold the same files (directory entries aside: the Maven archiver adds them, the CLI does not), every
entry STORED (the CLI's default, which its size check relies on), each file with the same bytes. The one
exception is .cfn_metadata.json, which names the CLI and plugin versions of whoever ran `cfn submit`: there the
plugin name and the Java plugin version (from pom.xml) must agree, the tool versions may differ.

usage: cfn-zip-diff.py <mvn zip> <cfn zip>
"""
import json
import sys
import zipfile

METADATA = ".cfn_metadata.json"


def files(path):
    with zipfile.ZipFile(path) as zip_file:
        entries = [info for info in zip_file.infolist() if not info.is_dir()]
        return ({info.filename: zip_file.read(info) for info in entries},
                sorted(info.filename for info in entries if info.compress_type != zipfile.ZIP_STORED))


def main(mvn_path, cfn_path):
    mvn, mvn_compressed = files(mvn_path)
    cfn, cfn_compressed = files(cfn_path)
    problems = []
    for name in sorted(set(mvn) - set(cfn)):
        problems.append(f"only in {mvn_path}: {name}")
    for name in sorted(set(cfn) - set(mvn)):
        problems.append(f"only in {cfn_path}: {name}")
    for name, compressed in ((mvn_path, mvn_compressed), (cfn_path, cfn_compressed)):
        if compressed:
            problems.append(f"{name}: compressed entries {compressed} (the registry package is STORED)")
    for name in sorted(set(mvn) & set(cfn)):
        if name == METADATA:
            ours, theirs = json.loads(mvn[name]), json.loads(cfn[name])
            for key in ("plugin-name", "plugin-version"):
                if ours.get(key) != theirs.get(key):
                    problems.append(f"{name}: {key} {ours.get(key)!r} (mvn) != {theirs.get(key)!r} (cfn)")
        elif mvn[name] != cfn[name]:
            problems.append(f"{name}: different bytes ({len(mvn[name])} in mvn's, {len(cfn[name])} in cfn's)")
    if problems:
        print(f"{mvn_path} and {cfn_path} differ:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{mvn_path} = {cfn_path}: the same {len(mvn)} files: {', '.join(sorted(mvn))}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(*sys.argv[1:]))
