"""Fixtures: the real server (see real_server.py) for the session, and its orgs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from real_server import Org, Server, make_org, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    database_url = f"file:{tmp_path_factory.mktemp('db') / 'znyx.db'}"
    process = start_server(database_url)
    try:
        yield Server(url=process.url, database_url=database_url)
    finally:
        process.stop()


@pytest.fixture(scope="session")
def acme(server: Server) -> Org:
    """An org with its 6 seeded ZNYX samples; tests that add datasets give them unique names."""
    return make_org(server, "Acme")


@pytest.fixture(scope="session")
def globex(server: Server) -> Org:
    """Another org: its ids are forbidden to Acme's tokens."""
    created = server.cli("org", "create", "--name", "Globex")
    return Org(id=created["id"], name="Globex", admin=created["token"], ci="", runtime="")


@pytest.fixture(autouse=True)
def _no_znyx_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a ZNYX_TOKEN or ZNYX_BASE_URL of the machine's."""
    monkeypatch.delenv("ZNYX_TOKEN", raising=False)
    monkeypatch.delenv("ZNYX_BASE_URL", raising=False)
