"""The asynchronous client, :class:`AsyncZnyx` (asyncio), the twin of :class:`~znyx.Znyx`."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

from . import _operations as ops
from ._core import DEFAULT_TIMEOUT, Call, ClientConfig, Wait, exchange
from ._core import LineSplitter
from ._models import (
    UNSET,
    ApiToken,
    AppendedSamples,
    CatalogPage,
    CreatedToken,
    Dataset,
    DatasetFacets,
    DatasetPage,
    DatasetSource,
    FileFormat,
    InstallResult,
    NewSample,
    SamplePage,
    TokenKind,
    TokenPage,
    Unset,
    Whoami,
)

__all__ = ["AsyncDatasets", "AsyncTokens", "AsyncZnyx"]

T = TypeVar("T")


class AsyncZnyx:
    """An asyncio client of the ZNYX Datasets API: :class:`~znyx.Znyx`'s methods, awaited.

    >>> async with AsyncZnyx(base_url="http://127.0.0.1:3000") as client:  # doctest: +SKIP
    ...     page = await client.datasets.list(org_id)

    ``token`` defaults to ``$ZNYX_TOKEN``; ``base_url`` to ``$ZNYX_BASE_URL``, else
    ``https://api.znyx.ai``. ``timeout`` (seconds, or an ``httpx.Timeout``; ``None`` for none)
    applies to connecting and to every wait for data, per attempt. GET requests are retried up to
    ``max_retries`` times after a 429, a 503 or a network error, with exponential backoff and full
    jitter from ``retry_base_delay``, or after the ``Retry-After`` the server asked for, if that is
    at most ``max_retry_delay``; POST requests never are. ``http_client`` is an ``httpx.Client``
    of yours (proxies, certificates, transports); it is not closed by :meth:`aclose`.

    Use it as an async context manager, or await :meth:`aclose`, to release its connections.
    """

    datasets: AsyncDatasets
    tokens: AsyncTokens

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_base_delay: float = 0.5,
        max_retry_delay: float = 60.0,
        headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._config = ClientConfig.resolve(
            token=token,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry_base_delay=retry_base_delay,
            max_retry_delay=max_retry_delay,
            headers=headers,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self.datasets = AsyncDatasets(self)
        self.tokens = AsyncTokens(self)

    @property
    def base_url(self) -> str:
        return self._config.base_url

    async def me(self) -> Whoami:
        """``GET /v1/me``: the calling token's org, kind, scopes and expiry."""
        return await self._run(ops.whoami())

    async def aclose(self) -> None:
        """Closes the connections (unless the ``httpx.AsyncClient`` was yours)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncZnyx:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncZnyx(base_url={self._config.base_url!r})"

    async def _run(self, call: Call[T]) -> T:
        steps = exchange(self._config, call)
        step = next(steps)
        try:
            while True:
                if isinstance(step, Wait):
                    await asyncio.sleep(step.seconds)
                    step = steps.send(None)
                    continue
                request = step.build(self._http, self._config.timeout)
                try:
                    response = await self._http.send(request, stream=step.stream)
                    if step.stream and not response.is_success:
                        try:
                            await response.aread()  # an error answer is read whole, as any other
                        finally:
                            await response.aclose()
                except httpx.RequestError as error:
                    step = steps.send(error)
                else:
                    step = steps.send(response)
        except StopIteration as done:
            result: T = done.value
            return result


class AsyncDatasets:
    """``client.datasets`` of :class:`AsyncZnyx`: :class:`~znyx.Datasets`' methods, awaited."""

    def __init__(self, client: AsyncZnyx) -> None:
        self._client = client

    async def list(
        self,
        org_id: str,
        *,
        category: str | None = None,
        categories: str | Iterable[str] | None = None,
        source: DatasetSource | None = None,
        q: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        cursor: str | None = None,
    ) -> DatasetPage:
        """``GET /v1/orgs/{org_id}/datasets``: one page of the org's datasets, newest first.

        ``categories`` (e.g. ``["pii", "toxicity"]``) and ``category`` unite; ``source`` is
        ``znyx_sample``, ``industry_standard`` or ``customer``; ``q`` matches a case-insensitive
        substring of the name; ``limit`` is 1–200 (default 50); ``cursor`` is a page's
        ``next_cursor``, to continue after it (with the same filters)."""
        return await self._client._run(
            ops.list_datasets(
                org_id,
                category=category,
                categories=categories,
                source=source,
                q=q,
                limit=limit,
                offset=offset,
                cursor=cursor,
            )
        )

    async def iterate(
        self,
        org_id: str,
        *,
        category: str | None = None,
        categories: str | Iterable[str] | None = None,
        source: DatasetSource | None = None,
        q: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[Dataset]:
        """Every matching dataset, each once, fetching ``page_size`` (1–200) per request as needed."""
        walk = ops.DatasetWalk(
            org_id, category=category, categories=categories, source=source, q=q, page_size=page_size
        )
        while (call := walk.next_call()) is not None:
            for dataset in walk.receive(await self._client._run(call)):
                yield dataset

    async def facets(
        self,
        org_id: str,
        *,
        category: str | None = None,
        categories: str | Iterable[str] | None = None,
        source: DatasetSource | None = None,
        q: str | None = None,
    ) -> DatasetFacets:
        """``GET /v1/orgs/{org_id}/datasets/facets``: counts per source and per category."""
        return await self._client._run(ops.facets(org_id, category=category, categories=categories, source=source, q=q))

    async def catalog(
        self,
        org_id: str,
        *,
        category: str | None = None,
        categories: str | Iterable[str] | None = None,
        source: DatasetSource | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> CatalogPage:
        """``GET /v1/orgs/{org_id}/datasets/catalog``: everything installable, with ``installed``."""
        return await self._client._run(
            ops.catalog(org_id, category=category, categories=categories, source=source, limit=limit, offset=offset)
        )

    async def install(self, org_id: str, catalog_id: str) -> InstallResult:
        """``POST /v1/orgs/{org_id}/datasets/install``: idempotent; ``created`` tells 201 from 200."""
        return await self._client._run(ops.install(org_id, catalog_id))

    async def create(
        self,
        org_id: str,
        name: str,
        *,
        description: str | None = None,
        category: str | None = None,
        is_public: bool | None = None,
        samples: Iterable[NewSample | Mapping[str, Any]] | None = None,
    ) -> Dataset:
        """``POST /v1/orgs/{org_id}/datasets``: a ``customer`` dataset with its samples (all or
        nothing; up to 10,000). A sample is a :class:`NewSample` or a dict of the same fields."""
        return await self._client._run(
            ops.create(
                org_id, name=name, description=description, category=category, is_public=is_public, samples=samples
            )
        )

    async def get(self, org_id: str, dataset_id: str) -> Dataset:
        """``GET /v1/orgs/{org_id}/datasets/{dataset_id}``."""
        return await self._client._run(ops.get(org_id, dataset_id))

    async def samples(
        self, org_id: str, dataset_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> SamplePage:
        """``GET /v1/orgs/{org_id}/datasets/{dataset_id}/samples``: one page of rows, in order
        (``limit`` 1–1000, default 100)."""
        return await self._client._run(ops.samples(org_id, dataset_id, limit=limit, offset=offset))

    async def update(
        self,
        org_id: str,
        dataset_id: str,
        *,
        name: str | None = None,
        description: str | None | Unset = UNSET,
        category: str | None | Unset = UNSET,
        is_public: bool | None = None,
    ) -> Dataset:
        """``PATCH /v1/orgs/{org_id}/datasets/{dataset_id}``: changes what is given (at least one);
        ``description=None`` and ``category=None`` clear them. Customer datasets only (403)."""
        return await self._client._run(
            ops.update(org_id, dataset_id, name=name, description=description, category=category, is_public=is_public)
        )

    async def delete(self, org_id: str, dataset_id: str) -> None:
        """``DELETE /v1/orgs/{org_id}/datasets/{dataset_id}``: the dataset and its samples, at once
        (a 404 from then on, also for deleting it again)."""
        await self._client._run(ops.delete(org_id, dataset_id))

    async def append_samples(
        self, org_id: str, dataset_id: str, samples: Iterable[NewSample | Mapping[str, Any]]
    ) -> AppendedSamples:
        """``POST /v1/orgs/{org_id}/datasets/{dataset_id}/samples``: 1 to 10,000 rows after the
        existing ones, all or nothing. For more, use :meth:`import_samples`."""
        return await self._client._run(ops.append_samples(org_id, dataset_id, samples))

    async def import_samples(
        self,
        org_id: str,
        dataset_id: str,
        samples: Iterable[NewSample | Mapping[str, Any]] | AsyncIterable[NewSample | Mapping[str, Any]],
    ) -> AppendedSamples:
        """``POST …/import`` of samples from any iterable or async iterable, sent as NDJSON while
        it produces them; all or nothing (a bad one is a 422 at ``("body", <its number>, …)``)."""
        return await self._client._run(
            ops.import_content(org_id, dataset_id, ops.async_ndjson_chunks(samples), "jsonl")
        )

    async def import_file(
        self, org_id: str, dataset_id: str, file: ops.AsyncFileSource, *, format: FileFormat | None = None
    ) -> AppendedSamples:
        """``POST …/import`` of an NDJSON or CSV file, streamed as it is read (in a worker thread):
        as :meth:`Datasets.import_file <znyx.Datasets.import_file>`, and async iterables too."""
        chunks = ops.async_file_chunks(file)
        try:
            return await self._client._run(
                ops.import_content(org_id, dataset_id, chunks, ops.file_format(file, format))
            )
        finally:
            await chunks.aclose()

    async def export(self, org_id: str, dataset_id: str) -> AsyncGenerator[NewSample, None]:
        """``GET …/export``: every stored sample in order, parsed as the JSONL arrives (constant
        memory); an async iterator. A transfer cut short raises :class:`~znyx.ZnyxNetworkError`.
        ``await aclose()`` it to stop early."""
        download = await self._client._run(ops.export(org_id, dataset_id, "jsonl"))
        try:
            lines = LineSplitter()
            number = 0
            async for chunk in download.achunks():
                for line in lines.feed(chunk):
                    number += 1
                    if line.strip():
                        yield ops.exported_sample(download, line, number)
            for line in lines.end():
                number += 1
                if line.strip():
                    yield ops.exported_sample(download, line, number)
        finally:
            await download.aclose()

    async def export_file(
        self, org_id: str, dataset_id: str, destination: ops.Destination, *, format: FileFormat | None = None
    ) -> int:
        """``GET …/export`` written as it arrives to a path (replaced only once the whole file has
        arrived) or a binary file; as :meth:`Datasets.export_file <znyx.Datasets.export_file>`.
        Writes to a path happen in a worker thread. Returns the number of bytes written."""
        download = await self._client._run(ops.export(org_id, dataset_id, format))
        try:
            if not isinstance(destination, (str, os.PathLike)):
                written = 0
                async for chunk in download.achunks():
                    destination.write(chunk)
                    written += len(chunk)
                return written
            target = os.fspath(destination)
            fd, partial = tempfile.mkstemp(dir=os.path.dirname(target) or ".", prefix=".znyx-export-", suffix=".part")
            try:
                written = 0
                file = os.fdopen(fd, "wb")
                try:
                    async for chunk in download.achunks():
                        await asyncio.to_thread(file.write, chunk)
                        written += len(chunk)
                finally:
                    await asyncio.to_thread(file.close)
                os.replace(partial, target)
            except BaseException:
                os.unlink(partial)
                raise
            return written
        finally:
            await download.aclose()


class AsyncTokens:
    """``client.tokens`` of :class:`AsyncZnyx`: :class:`~znyx.Tokens`' methods, awaited."""

    def __init__(self, client: AsyncZnyx) -> None:
        self._client = client

    async def list(self, org_id: str, *, limit: int | None = None, offset: int | None = None) -> TokenPage:
        """``GET /v1/orgs/{org_id}/tokens``: one page of the org's tokens, newest first, revoked
        and expired ones too (``limit`` 1–200, default 50); never a secret."""
        return await self._client._run(ops.list_tokens(org_id, limit=limit, offset=offset))

    async def create(
        self,
        org_id: str,
        *,
        kind: TokenKind,
        name: str | None = None,
        expires_in_seconds: int | None = None,
    ) -> CreatedToken:
        """``POST /v1/orgs/{org_id}/tokens``: a new ``runtime``, ``ci`` or ``admin`` token; its
        secret, ``token``, is in this answer only. ``expires_in_seconds`` up to ten years (default:
        never expires)."""
        return await self._client._run(ops.create_token(org_id, kind=kind, name=name, expires_in_seconds=expires_in_seconds))

    async def revoke(self, org_id: str, token_id: str) -> ApiToken:
        """``DELETE /v1/orgs/{org_id}/tokens/{token_id}``: refused by every server within 1 s from
        then on; revoking it again answers the same token, with its first ``revoked_at``."""
        return await self._client._run(ops.revoke_token(org_id, token_id))
