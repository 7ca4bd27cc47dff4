"""The API's operations, one builder each, shared by :class:`~znyx.Znyx` and
:class:`~znyx.AsyncZnyx`: a client method builds its :class:`~znyx._core.Call` here and runs it.

:data:`ENDPOINTS` is what ``tests/test_openapi_contract.py`` compares with openapi.json.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._core import Call, Endpoint, comma_list, query
from ._models import (
    ApiToken,
    CatalogPage,
    CreatedToken,
    Dataset,
    DatasetFacets,
    DatasetPage,
    DatasetSource,
    InstallResult,
    NewSample,
    SamplePage,
    TokenKind,
    TokenPage,
    Whoami,
)

__all__ = ["ENDPOINTS", "DatasetWalk"]

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
