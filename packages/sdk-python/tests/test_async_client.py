"""AsyncZnyx against the real server: the same operations and errors as Znyx, awaited."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from real_server import Org, Server

from znyx import (
    AsyncZnyx,
    AuthenticationError,
    DatasetPage,
    NewSample,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    Znyx,
)

T = TypeVar("T")


def run(server: Server, token: str, body: Callable[[AsyncZnyx], Awaitable[T]]) -> T:
    async def main() -> T:
        async with AsyncZnyx(token=token, base_url=server.url) as client:
            return await body(client)

    return asyncio.run(main())


def test_me_and_list(server: Server, acme: Org) -> None:
    async def body(client: AsyncZnyx) -> None:
        me = await client.me()
        assert (me.org.id, me.token.kind) == (acme.id, "runtime")
        page = await client.datasets.list(acme.id, categories=["pii", "toxicity"], source="znyx_sample", limit=1)
        assert isinstance(page, DatasetPage)
        assert (page.total, page.limit, len(page.datasets)) == (2, 1, 1)
        facets = await client.datasets.facets(acme.id, q="sample)")
        assert facets.total >= 6

    run(server, acme.runtime, body)


def test_the_async_client_answers_as_the_sync_one(server: Server, acme: Org) -> None:
    with Znyx(token=acme.runtime, base_url=server.url) as sync:
        expected = (sync.datasets.list(acme.id, source="znyx_sample"), sync.datasets.catalog(acme.id, limit=3))

    async def body(client: AsyncZnyx) -> None:
        got = await asyncio.gather(
            client.datasets.list(acme.id, source="znyx_sample"), client.datasets.catalog(acme.id, limit=3)
        )
        assert tuple(got) == expected

    run(server, acme.runtime, body)


def test_iterate_create_install_get_and_samples(server: Server, acme: Org) -> None:
    tag = f"async-walk-{uuid.uuid4().hex[:10]}"

    async def body(client: AsyncZnyx) -> None:
        created = await asyncio.gather(
            *(
                client.datasets.create(acme.id, f"{tag} {n}", samples=[NewSample(f"prompt {n}", expected_output="no")])
                for n in range(5)
            )
        )
        walked = [d async for d in client.datasets.iterate(acme.id, q=tag, page_size=2)]
        assert {d.id for d in walked} == {d.id for d in created} and len(walked) == 5

        one = created[0]
        assert await client.datasets.get(acme.id, one.id) == one
        rows = await client.datasets.samples(acme.id, one.id)
        assert [(s.input, s.expected_output) for s in rows.samples] == [(one.name.replace(tag, "prompt"), "no")]

        first, again = [await client.datasets.install(acme.id, "bold") for _ in range(2)]
        assert (first.created, again.created, first.dataset) == (True, False, again.dataset)
        assert first.dataset.sample_count == 23679

    run(server, acme.ci, body)


def test_errors_are_the_same_types(server: Server, acme: Org, globex: Org) -> None:
    async def body(client: AsyncZnyx) -> None:
        with pytest.raises(ValidationError) as caught:
            await client.datasets.samples(acme.id, str(uuid.uuid4()), limit=1001)
        assert caught.value.errors[0].loc == ("query", "limit")
        with pytest.raises(NotFoundError):
            await client.datasets.samples(acme.id, str(uuid.uuid4()))
        with pytest.raises(PermissionDeniedError):
            await client.datasets.facets(globex.id)
        with pytest.raises(PermissionDeniedError):
            await client.datasets.install(acme.id, "xstest")

    run(server, acme.runtime, body)
    with pytest.raises(AuthenticationError):
        run(server, "znyx_admin_unknown", lambda client: client.me())


def test_tokens(server: Server, acme: Org) -> None:
    async def body(client: AsyncZnyx) -> None:
        created = await client.tokens.create(acme.id, kind="runtime", name="async worker")
        assert created.name == "async worker"
        listed = await client.tokens.list(acme.id, limit=200)
        assert created.id in [t.id for t in listed.tokens]
        revoked = await client.tokens.revoke(acme.id, created.id)
        assert revoked.revoked_at is not None

    run(server, acme.admin, body)
