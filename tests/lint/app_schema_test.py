#!/usr/bin/env python3
"""Keeps docs/app.schema.json in step with the app parser.

Every example app must validate against the schema; every module type the parser knows
(asked of the real `keyline validate`, not copied here) must be in the schema and no other;
and a deliberately broken app must fail, so the schema cannot quietly accept anything.
Usage: app_schema_test.py KEYLINE_BINARY SOURCE_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def parser_module_types(keyline):
    with tempfile.TemporaryDirectory() as work:
        probe = os.path.join(work, "probe.json")
        with open(probe, "w") as f:
            json.dump({"name": "probe", "pages": [{"name": "p", "modules": [
                {"type": "no_such_type", "name": "m"}]}]}, f)
        out = subprocess.run([keyline, "validate", probe], capture_output=True, text=True,
                             timeout=120)
    match = re.search(r"known types: ([a-z_, ]+)\)", out.stderr)
    if not match:
        fail("keyline validate did not list the known module types:\n" + out.stderr)
    return set(t.strip() for t in match.group(1).split(","))


def main():
    keyline, source = sys.argv[1], sys.argv[2]
    with open(os.path.join(source, "docs", "app.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)

    apps = sorted(glob.glob(os.path.join(source, "examples", "apps", "*.json")))
    if not apps:
        fail("no example apps found")
    for path in apps:
        with open(path) as f:
            errors = list(validator.iter_errors(json.load(f)))
        for e in errors:
            print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
        if errors:
            fail(f"{path} does not match docs/app.schema.json")
        print(f"ok {os.path.basename(path)}")

    in_schema = set(schema["definitions"]["module"]["properties"]["type"]["enum"])
    known = parser_module_types(keyline)
    if known != in_schema:
        fail(f"module types differ: parser only {sorted(known - in_schema)}, "
             f"schema only {sorted(in_schema - known)}")
    # Each type's settings: the definition its "if type is ..." branch refers to (usually named
    # after the type; "name" is taken by the module-name string, so the name module's is
    # "name_input").
    branches = {}
    for branch in schema["definitions"]["module"].get("allOf", []):
        const = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        ref = branch.get("then", {}).get("$ref", "")
        if const:
            branches[const] = ref.rsplit("/", 1)[-1]
    for t in known:
        definition = schema["definitions"].get(branches.get(t, ""))
        if not isinstance(definition, dict) or definition.get("type") != "object":
            fail(f"module type {t} has no definition in the schema")
    print(f"ok {len(known)} module types")

    broken = os.path.join(source, "tests", "integration", "apps", "broken_settings.json")
    with open(broken) as f:
        if validator.is_valid(json.load(f)):
            fail("the schema accepts broken_settings.json")
    print("PASS")


if __name__ == "__main__":
    main()
