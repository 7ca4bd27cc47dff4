"""The API's JSON objects as frozen dataclasses, named and shaped as the schemas of openapi.json.

Answers are read strictly where it matters and leniently where a newer server may differ:

- every required field must be present with the right JSON type (``None`` only where the
  document allows ``null``), else :class:`ModelError` says which one;
- fields this version does not know are ignored (a server may add fields);
- enum-valued fields are typed as ``Literal`` unions of the document's values, but a value a
  newer server adds is passed through as the string it is rather than refused.

Timestamps become timezone-aware :class:`datetime.datetime` objects (UTC); arrays become tuples.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar, Literal, TypeVar, Union

__all__ = [
    "UNSET",
    "ApiToken",
    "AppendedSamples",
    "CatalogEntry",
    "CatalogPage",
    "CategoryCount",
    "CreatedToken",
    "Dataset",
    "DatasetFacets",
    "DatasetPage",
    "DatasetSource",
    "FileFormat",
    "InstallResult",
    "Model",
    "ModelError",
    "NewSample",
    "Sample",
    "SamplePage",
    "Scope",
    "SourceCount",
    "TokenKind",
    "TokenPage",
    "TrustLevel",
    "Unset",
    "ValidationIssue",
    "Whoami",
    "WhoamiOrg",
    "WhoamiToken",
]

DatasetSource = Literal["znyx_sample", "industry_standard", "customer"]
TrustLevel = Literal["verified", "reviewed", "unverified"]
TokenKind = Literal["runtime", "ci", "admin"]
Scope = Literal["read", "write", "admin"]
FileFormat = Literal["jsonl", "csv"]
"""The file formats of import and export: NDJSON (``jsonl``) or CSV."""


class Unset:
    """The type of :data:`UNSET`: an argument left out of the request, where ``None`` is sent as
    ``null`` (``datasets.update``'s ``description`` and ``category``, which ``None`` clears)."""

    _instance: ClassVar[Unset | None] = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNSET"


UNSET = Unset()

M = TypeVar("M", bound="Model")


class ModelError(ValueError):
    """A JSON value does not have the shape of the model it is read as."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class Model:
    """Base of every model: reading from and writing to the API's JSON."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @classmethod
    def from_dict(cls: type[M], data: Any) -> M:
        """Reads a decoded JSON object; raises :class:`ModelError` on a missing or mistyped field."""
        return _read_model(cls, data, cls.__name__)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object this model reads from (timestamps as ISO 8601 with ``Z``)."""
        return {f.name: _to_json(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True)
class Dataset(Model):
    """An evaluation dataset of an org (schema ``Dataset``)."""

    id: str
    name: str
    description: str | None
    category: str | None
    trust_level: TrustLevel
    """``verified`` (ZNYX samples), ``reviewed`` (industry benchmarks), ``unverified`` (customer data)."""
    source: DatasetSource
    sample_count: int
    is_public: bool
    created_by: str | None
    """The creating token or user id; ``None`` for seeded or installed datasets."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DatasetPage(Model):
    """One page of List Datasets (schema ``DatasetPage``)."""

    total: int
    """Every match, ignoring ``limit``, ``offset`` and ``cursor``."""
    limit: int
    offset: int
    next_cursor: str | None
    """Pass as ``cursor`` for the page after this one; ``None`` on the last page."""
    datasets: tuple[Dataset, ...]


@dataclass(frozen=True, slots=True)
class SourceCount(Model):
    """One entry of :attr:`DatasetFacets.sources`."""

    value: DatasetSource
    count: int


@dataclass(frozen=True, slots=True)
class CategoryCount(Model):
    """One entry of :attr:`DatasetFacets.categories` (``value`` is ``None`` for datasets without one)."""

    value: str | None
    count: int


@dataclass(frozen=True, slots=True)
class DatasetFacets(Model):
    """Counts for a filter UI (schema ``DatasetFacets``)."""

    total: int
    sources: tuple[SourceCount, ...]
    """Every source, counted under all filters but ``source``."""
    categories: tuple[CategoryCount, ...]
    """Categories with a match, most first, counted under all filters but the category ones."""


@dataclass(frozen=True, slots=True)
class CatalogEntry(Model):
    """Something installable: a ZNYX sample or a published benchmark (schema ``CatalogEntry``)."""

    id: str
    slug: str
    name: str
    description: str
    source: DatasetSource
    category: str
    sample_count: int
    """The publisher's number of samples."""
    authors: str
    paper_url: str | None
    homepage: str | None
    license: str | None
    year: int
    version: str | None
    installed: bool
    """Whether this org has it."""
    dataset_id: str | None
    """This org's copy, or ``None``."""


@dataclass(frozen=True, slots=True)
class CatalogPage(Model):
    """One page of the catalog (schema ``CatalogPage``)."""

    total: int
    limit: int
    offset: int
    entries: tuple[CatalogEntry, ...]


@dataclass(frozen=True, slots=True)
class Sample(Model):
    """One stored row of a dataset (schema ``Sample``)."""

    id: str
    input: str
    expected_output: str | None
    metadata: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class SamplePage(Model):
    """One page of a dataset's rows (schema ``SamplePage``)."""

    total: int
    """Rows stored for this dataset."""
    limit: int
    offset: int
    samples: tuple[Sample, ...]
    rows_stored: bool
    """``False`` for an installed benchmark: ZNYX keeps its metadata, not its rows."""
    notice: str | None
    """Where to get the rows when they are not stored here."""


@dataclass(frozen=True, slots=True)
class WhoamiOrg(Model):
    """:attr:`Whoami.org`."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class WhoamiToken(Model):
    """:attr:`Whoami.token`."""

    id: str
    kind: TokenKind
    scopes: tuple[Scope, ...]
    prefix: str
    """The first characters of the token, for display."""
    expires_at: datetime | None
    """``None`` when the token never expires."""


@dataclass(frozen=True, slots=True)
class Whoami(Model):
    """Who the calling token is (schema ``Whoami``)."""

    org: WhoamiOrg
    token: WhoamiToken


@dataclass(frozen=True, slots=True)
class ApiToken(Model):
    """A token of the org as listed (schema ``ApiToken``): never its secret or its hash."""

    id: str
    name: str | None
    """What the org calls it; ``None`` when it was given none."""
    kind: TokenKind
    scopes: tuple[Scope, ...]
    prefix: str
    """The first characters of the token, for display."""
    created_at: datetime
    expires_at: datetime | None
    """``None`` when the token never expires."""
    revoked_at: datetime | None
    """When it was first revoked; ``None`` while it is not."""
    last_used_at: datetime | None
    """When it last authenticated a request, to within 60 s (written at most once a minute)."""


@dataclass(frozen=True, slots=True)
class CreatedToken(Model):
    """A new token (schema ``CreatedToken``): :class:`ApiToken`'s fields and ``token``, the secret,
    in this answer only."""

    id: str
    name: str | None
    kind: TokenKind
    scopes: tuple[Scope, ...]
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    token: str
    """The secret: shown this once, never again (only its hash is kept)."""

    def __repr__(self) -> str:
        # The secret never reaches a log line or a traceback through repr.
        return f"CreatedToken(id={self.id!r}, name={self.name!r}, kind={self.kind!r}, prefix={self.prefix!r})"


@dataclass(frozen=True, slots=True)
class TokenPage(Model):
    """One page of an org's tokens, newest first (schema ``TokenPage``)."""

    total: int
    """Every token of the org, revoked and expired ones too."""
    limit: int
    offset: int
    tokens: tuple[ApiToken, ...]


@dataclass(frozen=True, slots=True)
class ValidationIssue(Model):
    """One problem of a 422 answer (schema ``ValidationError``; renamed here so that
    :class:`znyx.ValidationError` can be the exception).

    ``loc`` is where: ``("query", "limit")``, ``("body", "samples", 0, "input")``, …
    """

    loc: tuple[str | int, ...]
    msg: str
    type: str


@dataclass(frozen=True, slots=True)
class NewSample(Model):
    """A row to store with :meth:`datasets.create <znyx.Datasets.create>`, ``append_samples`` or
    ``import_samples``, and a row as ``export`` reads it (schema ``NewSample``)."""

    input: str
    expected_output: str | None = None
    metadata: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        # Unset optional fields are left out, so the API's defaults apply.
        return {name: value for name, value in Model.to_dict(self).items() if value is not None}


@dataclass(frozen=True, slots=True)
class AppendedSamples(Model):
    """What append and import answer (schema ``AppendedSamples``)."""

    added: int
    """Rows appended by this call."""
    sample_count: int
    """The dataset's ``sample_count`` after it."""


@dataclass(frozen=True, slots=True)
class InstallResult:
    """What :meth:`datasets.install <znyx.Datasets.install>` answers."""

    dataset: Dataset
    """The org's copy of the entry."""
    created: bool
    """``True`` when this call installed it (201), ``False`` when the org already had it (200)."""


# --- reading JSON -------------------------------------------------------------------------------

_NONE_TYPE = type(None)


_FIELD_TYPES: dict[type, tuple[tuple[str, Any, bool], ...]] = {}


def _field_types(cls: type[Model]) -> tuple[tuple[str, Any, bool], ...]:
    """(name, resolved annotation, required) of each field of a model class, resolved once."""
    if cls not in _FIELD_TYPES:
        _FIELD_TYPES[cls] = _resolve_fields(cls)
    return _FIELD_TYPES[cls]


def _resolve_fields(cls: type[Model]) -> tuple[tuple[str, Any, bool], ...]:
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            f.name,
            hints[f.name],
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
        )
        for f in dataclasses.fields(cls)
    )


def _read_model(cls: type[M], data: Any, where: str) -> M:
    if not isinstance(data, Mapping):
        raise ModelError(where, f"expected an object, got {_json_type(data)}")
    values: dict[str, Any] = {}
    for name, annotation, required in _field_types(cls):
        if name not in data:
            if required:
                raise ModelError(f"{where}.{name}", "missing")
            continue
        values[name] = _read(annotation, data[name], f"{where}.{name}")
    return cls(**values)


def _read(annotation: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        members = typing.get_args(annotation)
        if value is None:
            if _NONE_TYPE in members:
                return None
            raise ModelError(where, "must not be null")
        problems = []
        for member in members:
            if member is _NONE_TYPE:
                continue
            try:
                return _read(member, value, where)
            except ModelError as error:
                problems.append(error.problem)
        raise ModelError(where, " or ".join(problems))
    if value is None and annotation is not Any:
        raise ModelError(where, "must not be null")
    if origin is Literal:
        choices = typing.get_args(annotation)
        # A value a newer server adds is passed through, as long as it has the JSON type.
        return _read(type(choices[0]), value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise ModelError(where, f"expected an array, got {_json_type(value)}")
        (item, _ellipsis) = typing.get_args(annotation)
        return tuple(_read(item, element, f"{where}[{i}]") for i, element in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ModelError(where, f"expected an object, got {_json_type(value)}")
        return value
    if annotation is Any:
        return value
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return _read_model(annotation, value, where)
    if annotation is datetime:
        if not isinstance(value, str):
            raise ModelError(where, f"expected a date-time string, got {_json_type(value)}")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ModelError(where, f"not an ISO 8601 date-time: {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if annotation is bool:
        if not isinstance(value, bool):
            raise ModelError(where, f"expected a boolean, got {_json_type(value)}")
        return value
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ModelError(where, f"expected an integer, got {_json_type(value)}")
        return value
    if annotation is str:
        if not isinstance(value, str):
            raise ModelError(where, f"expected a string, got {_json_type(value)}")
        return value
    raise TypeError(f"{where}: no reader for {annotation!r}")  # a bug in a model, not in the answer


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _to_json(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, datetime):
        utc = value.astimezone(timezone.utc)
        return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value
