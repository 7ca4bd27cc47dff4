"""The API's operations, one builder each, shared by :class:`~znyx.Znyx` and
:class:`~znyx.AsyncZnyx`: a client method builds its :class:`~znyx._core.Call` here and runs it.

:data:`ENDPOINTS` is what ``tests/test_openapi_contract.py`` compares with openapi.json.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncGenerator, AsyncIterable, Generator, Iterable, Mapping
from typing import IO, Any, Union, cast

from ._core import Call, Download, Endpoint, _json_bytes, comma_list, query
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

__all__ = ["ENDPOINTS", "FILE_MEDIA_TYPES", "DatasetWalk", "FileSource", "AsyncFileSource", "Destination"]

#: The media type each file format is sent (import) and answered (export) as.
FILE_MEDIA_TYPES: Mapping[FileFormat, str] = {"jsonl": "application/x-ndjson", "csv": "text/csv"}

#: Bytes read from a file, or gathered from samples, per chunk of a streamed upload.
CHUNK_SIZE = 64 * 1024

#: What ``import_file`` uploads: a path (``str`` or ``os.PathLike``; read as it is sent), an open
#: file (binary or text), ``bytes``, or an iterable of chunks or lines (``bytes`` or ``str``),
#: sent as they are: the lines of an open file keep their line ends.
FileSource = Union[str, "os.PathLike[str]", bytes, IO[bytes], IO[str], Iterable[bytes], Iterable[str]]
#: ``FileSource``, or an async iterable of chunks, for :class:`~znyx.AsyncZnyx`.
AsyncFileSource = Union[FileSource, AsyncIterable[bytes], AsyncIterable[str]]
#: Where ``export_file`` writes: a path (replaced only once the whole file has arrived) or a
#: binary file open for writing.
Destination = Union[str, "os.PathLike[str]", IO[bytes]]

WHOAMI = Endpoint("auth.whoami", "GET", "/v1/me", "me", frozenset({200}), Whoami)
LIST = Endpoint(
    "datasets.list", "GET", "/v1/orgs/{org_id}/datasets", "datasets.list", frozenset({200}), DatasetPage
)
FACETS = Endpoint(
    "datasets.facets", "GET", "/v1/orgs/{org_id}/datasets/facets", "datasets.facets", frozenset({200}), DatasetFacets
)
CATALOG = Endpoint(
    "datasets.catalog", "GET", "/v1/orgs/{org_id}/datasets/catalog", "datasets.catalog", frozenset({200}), CatalogPage
)
INSTALL = Endpoint(
    "datasets.install",
    "POST",
    "/v1/orgs/{org_id}/datasets/install",
    "datasets.install",
    frozenset({200, 201}),
    Dataset,
)
CREATE = Endpoint(
    "datasets.create", "POST", "/v1/orgs/{org_id}/datasets", "datasets.create", frozenset({201}), Dataset
)
GET = Endpoint(
    "datasets.get", "GET", "/v1/orgs/{org_id}/datasets/{dataset_id}", "datasets.get", frozenset({200}), Dataset
)
SAMPLES = Endpoint(
    "datasets.samples",
    "GET",
    "/v1/orgs/{org_id}/datasets/{dataset_id}/samples",
    "datasets.samples",
    frozenset({200}),
    SamplePage,
)

UPDATE = Endpoint(
    "datasets.update",
    "PATCH",
    "/v1/orgs/{org_id}/datasets/{dataset_id}",
    "datasets.update",
    frozenset({200}),
    Dataset,
)
DELETE = Endpoint(
    "datasets.delete",
    "DELETE",
    "/v1/orgs/{org_id}/datasets/{dataset_id}",
    "datasets.delete",
    frozenset({204}),
    None,
)
APPEND = Endpoint(
    "datasets.appendSamples",
    "POST",
    "/v1/orgs/{org_id}/datasets/{dataset_id}/samples",
    "datasets.append_samples",
    frozenset({201}),
    AppendedSamples,
)
IMPORT = Endpoint(
    "datasets.import",
    "POST",
    "/v1/orgs/{org_id}/datasets/{dataset_id}/import",
    "datasets.import_samples",
    frozenset({201}),
    AppendedSamples,
)
EXPORT = Endpoint(
    "datasets.export",
    "GET",
    "/v1/orgs/{org_id}/datasets/{dataset_id}/export",
    "datasets.export",
    frozenset({200}),
    NewSample,
)

TOKENS_LIST = Endpoint(
    "tokens.list", "GET", "/v1/orgs/{org_id}/tokens", "tokens.list", frozenset({200}), TokenPage
)
TOKENS_CREATE = Endpoint(
    "tokens.create", "POST", "/v1/orgs/{org_id}/tokens", "tokens.create", frozenset({201}), CreatedToken
)
TOKENS_REVOKE = Endpoint(
    "tokens.revoke", "DELETE", "/v1/orgs/{org_id}/tokens/{token_id}", "tokens.revoke", frozenset({200}), ApiToken
)

ENDPOINTS: Mapping[str, Endpoint] = {
    e.operation_id: e
    for e in (
        WHOAMI,
        LIST,
        FACETS,
        CATALOG,
        INSTALL,
        CREATE,
        GET,
        SAMPLES,
        UPDATE,
        DELETE,
        APPEND,
        IMPORT,
        EXPORT,
        TOKENS_LIST,
        TOKENS_CREATE,
        TOKENS_REVOKE,
    )
}


def whoami() -> Call[Whoami]:
    return Call(WHOAMI, lambda _status, data: Whoami.from_dict(data), path_params={})


def _filters(
    category: str | None, categories: str | Iterable[str] | None, source: DatasetSource | None
) -> dict[str, Any]:
    return {"category": category, "categories": comma_list(categories), "source": source}


def list_datasets(
    org_id: str,
    *,
    category: str | None,
    categories: str | Iterable[str] | None,
    source: DatasetSource | None,
    q: str | None,
    limit: int | None,
    offset: int | None,
    cursor: str | None,
) -> Call[DatasetPage]:
    return Call(
        LIST,
        lambda _status, data: DatasetPage.from_dict(data),
        path_params={"org_id": org_id},
        query=query(**_filters(category, categories, source), q=q, limit=limit, offset=offset, cursor=cursor),
    )


def facets(
    org_id: str,
    *,
    category: str | None,
    categories: str | Iterable[str] | None,
    source: DatasetSource | None,
    q: str | None,
) -> Call[DatasetFacets]:
    return Call(
        FACETS,
        lambda _status, data: DatasetFacets.from_dict(data),
        path_params={"org_id": org_id},
        query=query(**_filters(category, categories, source), q=q),
    )


def catalog(
    org_id: str,
    *,
    category: str | None,
    categories: str | Iterable[str] | None,
    source: DatasetSource | None,
    limit: int | None,
    offset: int | None,
) -> Call[CatalogPage]:
    return Call(
        CATALOG,
        lambda _status, data: CatalogPage.from_dict(data),
        path_params={"org_id": org_id},
        query=query(**_filters(category, categories, source), limit=limit, offset=offset),
    )


def install(org_id: str, catalog_id: str) -> Call[InstallResult]:
    return Call(
        INSTALL,
        lambda status, data: InstallResult(dataset=Dataset.from_dict(data), created=status == 201),
        path_params={"org_id": org_id},
        body={"catalog_id": catalog_id},
    )


def create(
    org_id: str,
    *,
    name: str,
    description: str | None,
    category: str | None,
    is_public: bool | None,
    samples: Iterable[NewSample | Mapping[str, Any]] | None,
) -> Call[Dataset]:
    body: dict[str, Any] = {"name": name}
    # Unset arguments are left out, so the API's defaults apply.
    if description is not None:
        body["description"] = description
    if category is not None:
        body["category"] = category
    if is_public is not None:
        body["is_public"] = is_public
    if samples is not None:
        body["samples"] = [s.to_dict() if isinstance(s, NewSample) else dict(s) for s in samples]
    return Call(
        CREATE, lambda _status, data: Dataset.from_dict(data), path_params={"org_id": org_id}, body=body
    )


def get(org_id: str, dataset_id: str) -> Call[Dataset]:
    return Call(
        GET, lambda _status, data: Dataset.from_dict(data), path_params={"org_id": org_id, "dataset_id": dataset_id}
    )


def samples(org_id: str, dataset_id: str, *, limit: int | None, offset: int | None) -> Call[SamplePage]:
    return Call(
        SAMPLES,
        lambda _status, data: SamplePage.from_dict(data),
        path_params={"org_id": org_id, "dataset_id": dataset_id},
        query=query(limit=limit, offset=offset),
    )


def update(
    org_id: str,
    dataset_id: str,
    *,
    name: str | None,
    description: str | None | Unset,
    category: str | None | Unset,
    is_public: bool | None,
) -> Call[Dataset]:
    body: dict[str, Any] = {}
    # None leaves name and is_public out; description and category are left out when UNSET, and
    # None sends null, which clears them.
    if name is not None:
        body["name"] = name
    if description is not UNSET:
        body["description"] = description
    if category is not UNSET:
        body["category"] = category
    if is_public is not None:
        body["is_public"] = is_public
    return Call(
        UPDATE,
        lambda _status, data: Dataset.from_dict(data),
        path_params={"org_id": org_id, "dataset_id": dataset_id},
        body=body,
    )


def delete(org_id: str, dataset_id: str) -> Call[None]:
    return Call(
        DELETE, lambda _status, _data: None, path_params={"org_id": org_id, "dataset_id": dataset_id}, answer="empty"
    )


def _sample_dict(sample: NewSample | Mapping[str, Any]) -> dict[str, Any]:
    return sample.to_dict() if isinstance(sample, NewSample) else dict(sample)


def append_samples(
    org_id: str, dataset_id: str, samples: Iterable[NewSample | Mapping[str, Any]]
) -> Call[AppendedSamples]:
    return Call(
        APPEND,
        lambda _status, data: AppendedSamples.from_dict(data),
        path_params={"org_id": org_id, "dataset_id": dataset_id},
        body={"samples": [_sample_dict(s) for s in samples]},
    )


def import_content(
    org_id: str, dataset_id: str, content: Iterable[bytes] | AsyncIterable[bytes], format: FileFormat
) -> Call[AppendedSamples]:
    if format not in FILE_MEDIA_TYPES:
        raise ValueError(f"format must be one of {sorted(FILE_MEDIA_TYPES)}, got {format!r}")
    return Call(
        IMPORT,
        lambda _status, data: AppendedSamples.from_dict(data),
        path_params={"org_id": org_id, "dataset_id": dataset_id},
        content=content,
        content_type=FILE_MEDIA_TYPES[format],
    )


def export(org_id: str, dataset_id: str, format: FileFormat | None) -> Call[Download]:
    return Call(
        EXPORT,
        lambda _status, download: cast(Download, download),
        path_params={"org_id": org_id, "dataset_id": dataset_id},
        query=query(format=format),
        answer="stream",
    )


# --- streamed bodies ------------------------------------------------------------------------------


def _ndjson_line(sample: NewSample | Mapping[str, Any]) -> bytes:
    return _json_bytes(_sample_dict(sample)) + b"\n"


def ndjson_chunks(samples: Iterable[NewSample | Mapping[str, Any]]) -> Generator[bytes, None, None]:
    """Samples as NDJSON, in chunks of about :data:`CHUNK_SIZE`, produced as they are sent."""
    buffer = bytearray()
    for sample in samples:
        buffer += _ndjson_line(sample)
        if len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


async def async_ndjson_chunks(
    samples: Iterable[NewSample | Mapping[str, Any]] | AsyncIterable[NewSample | Mapping[str, Any]],
) -> AsyncGenerator[bytes, None]:
    if not isinstance(samples, AsyncIterable):
        for chunk in ndjson_chunks(samples):
            yield chunk
        return
    buffer = bytearray()
    async for sample in samples:
        buffer += _ndjson_line(sample)
        if len(buffer) >= CHUNK_SIZE:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _path_of(source: object) -> str | None:
    """The path a source or destination names, or ``None`` when it is not a path."""
    if isinstance(source, str):
        return source
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
        return path if isinstance(path, str) else os.fsdecode(path)
    return None


def file_format(source: object, format: FileFormat | None) -> FileFormat:
    """``format``, or else ``csv`` for a path or file whose name ends in ``.csv``, else ``jsonl``."""
    if format is not None:
        return format
    name = _path_of(source)
    if name is None:
        name = getattr(source, "name", None)
    return "csv" if isinstance(name, str) and name.lower().endswith(".csv") else "jsonl"


def _as_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _readable(source: object) -> IO[Any] | None:
    return cast("IO[Any]", source) if callable(getattr(source, "read", None)) else None


def file_chunks(source: FileSource) -> Generator[bytes, None, None]:
    """The bytes of an ``import_file`` source, read as they are sent (never all at once)."""
    path = _path_of(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield bytes(source)
    elif path is not None:
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_SIZE):
                yield chunk
    elif (readable := _readable(source)) is not None:
        while part := readable.read(CHUNK_SIZE):
            yield _as_bytes(part)
    else:
        for item in cast("Iterable[bytes | str]", source):
            yield _as_bytes(item)


async def async_file_chunks(source: AsyncFileSource) -> AsyncGenerator[bytes, None]:
    """:func:`file_chunks` for the async client: files are read in a worker thread, so the event
    loop never waits for the disk."""
    path = _path_of(source)
    if path is not None:
        file = await asyncio.to_thread(_open_binary, path)
        try:
            while chunk := await asyncio.to_thread(file.read, CHUNK_SIZE):
                yield chunk
        finally:
            await asyncio.to_thread(file.close)
    elif (readable := _readable(source)) is not None:
        while part := await asyncio.to_thread(readable.read, CHUNK_SIZE):
            yield _as_bytes(part)
    elif isinstance(source, AsyncIterable):
        async for item in cast("AsyncIterable[bytes | str]", source):
            yield _as_bytes(item)
    else:
        for piece in file_chunks(cast(FileSource, source)):
            yield piece


def _open_binary(path: str) -> IO[bytes]:
    return open(path, "rb")  # noqa: SIM115 - closed by the caller


def exported_sample(download: Download, line: bytes, number: int) -> NewSample:
    """One line of a JSONL export as a :class:`NewSample`; a line that is not one is a
    :class:`~znyx.ZnyxResponseError` naming its number."""
    try:
        return NewSample.from_dict(json.loads(line))
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError and ModelError alike
        raise download.unreadable(f"line {number} of the export is not a sample ({error})") from error


def list_tokens(org_id: str, *, limit: int | None, offset: int | None) -> Call[TokenPage]:
    return Call(
        TOKENS_LIST,
        lambda _status, data: TokenPage.from_dict(data),
        path_params={"org_id": org_id},
        query=query(limit=limit, offset=offset),
    )


def create_token(
    org_id: str, *, kind: TokenKind, name: str | None, expires_in_seconds: int | None
) -> Call[CreatedToken]:
    body: dict[str, Any] = {"kind": kind}
    if name is not None:
        body["name"] = name
    if expires_in_seconds is not None:
        body["expires_in_seconds"] = expires_in_seconds
    return Call(
        TOKENS_CREATE, lambda _status, data: CreatedToken.from_dict(data), path_params={"org_id": org_id}, body=body
    )


def revoke_token(org_id: str, token_id: str) -> Call[ApiToken]:
    return Call(
        TOKENS_REVOKE,
        lambda _status, data: ApiToken.from_dict(data),
        path_params={"org_id": org_id, "token_id": token_id},
    )


class DatasetWalk:
    """The state of one ``datasets.iterate``: which page to ask for next.

    It pages by ``next_cursor`` (List Datasets' keyset paging: the next page is asked for with
    ``cursor``, and ``None`` ends the walk), which visits every dataset that exists for the whole
    walk exactly once, even while others are created or deleted, at the same cost at any depth.
    """

    def __init__(
        self,
        org_id: str,
        *,
        category: str | None,
        categories: str | Iterable[str] | None,
        source: DatasetSource | None,
        q: str | None,
        page_size: int,
    ) -> None:
        self._org_id = org_id
        self._query = query(**_filters(category, categories, source), q=q, limit=page_size)
        self._cursor: str | None = None
        self._done = False

    def next_call(self) -> Call[DatasetPage] | None:
        """The next page's call, or ``None`` when the walk is over."""
        if self._done:
            return None
        position = (("cursor", self._cursor),) if self._cursor is not None else ()
        return Call(
            LIST,
            lambda _status, data: DatasetPage.from_dict(data),
            path_params={"org_id": self._org_id},
            query=self._query + position,
        )

    def receive(self, page: DatasetPage) -> list[Dataset]:
        """Takes a page in; returns its datasets, in order."""
        previous, self._cursor = self._cursor, page.next_cursor
        # A cursor handed back unchanged would ask for the same page forever.
        self._done = self._cursor is None or self._cursor == previous or not page.datasets
        return list(page.datasets)
