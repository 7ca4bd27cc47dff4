"""The package's types hold: ``mypy --strict`` (Debian's mypy) over the package, these tests, and
the README's examples as a user would write them — so py.typed promises something true.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import readme
from real_server import PACKAGE_DIR, base_env


def test_mypy_strict_passes_on_the_package_the_tests_and_the_readme_examples(tmp_path: Path) -> None:
    examples = tmp_path / "readme_examples.py"
    examples.write_text(readme.script(), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-version=3.11",
            f"--cache-dir={tmp_path / 'mypy-cache'}",
            "src/znyx",
            "tests",
            str(examples),
        ],
        cwd=PACKAGE_DIR,
        env=base_env(MYPYPATH=f"{PACKAGE_DIR / 'src'}:{PACKAGE_DIR / 'tests'}"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")
