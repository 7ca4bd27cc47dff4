"""The README's examples: its ```python blocks, in order, as one script."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"

#: Where the examples call: the API `pnpm demo` runs.
README_BASE_URL = 'base_url="http://127.0.0.1:3000"'


def text() -> str:
    return README.read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text(), flags=re.DOTALL | re.MULTILINE)


def script(base_url: str | None = None) -> str:
    """The blocks joined; with ``base_url``, calling that server instead and nothing else changed."""
    joined = "\n\n".join(python_blocks())
    if base_url is not None:
        assert joined.count(README_BASE_URL) >= 3, "the examples name the local API"
        joined = joined.replace(README_BASE_URL, f'base_url="{base_url}"')
    return joined
