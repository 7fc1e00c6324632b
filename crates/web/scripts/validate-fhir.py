#!/usr/bin/env python3
"""Validates FHIR R4 resources in JSON files against the R4 (4.0.1) models of PyPI fhir.resources.

Usage: validate-fhir.py FILE.json [FILE.json ...]
Exit code 0 when every file holds a valid resource, 1 when any is invalid, 2 on usage errors.

Needs fhir.resources==6.2.2 with pydantic<2, for example:
    python3 -m venv /tmp/fhirv && /tmp/fhirv/bin/pip install 'fhir.resources==6.2.2' 'pydantic<2'
The Rust test `fhir_documents_pass_the_r4_validator` runs this script when KETAPATH_FHIR_VALIDATOR names that python.
"""

import json
import sys

# Leave no __pycache__ behind in the source tree.
sys.dont_write_bytecode = True

from fhir.resources import construct_fhir_element  # noqa: E402  (after the bytecode switch on purpose)


def validate(path):
    """Returns None when the file holds a valid R4 resource, else the reason."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        return f"cannot read JSON: {error}"
    resource_type = data.get("resourceType") if isinstance(data, dict) else None
    if not resource_type:
        return "no resourceType"
    try:
        construct_fhir_element(resource_type, data)
    except Exception as error:  # The models raise pydantic errors and LookupError for unknown types.
        return f"{resource_type}: {error}"
    return None


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failures = 0
    for path in paths:
        reason = validate(path)
        if reason is None:
            print(f"valid   {path}")
        else:
            failures += 1
            print(f"INVALID {path}: {reason}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
