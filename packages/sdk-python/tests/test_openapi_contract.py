"""The SDK against openapi.json, the API's contract: every operation of the document is a method
of both clients, with the document's parameters, or is listed below as not covered; every schema
is a model with the document's fields (names, required or optional, nullability, types, enums),
or is listed as not modelled. A change of the document without the SDK fails here, naming what
to change.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import types
import typing
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Union

import pytest
from real_server import REPO_ROOT

from znyx import (
    UNSET,
    ApiToken,
    AppendedSamples,
    AsyncDatasets,
    AsyncTokens,
    AsyncZnyx,
    CatalogEntry,
    CatalogPage,
    CategoryCount,
    ClientError,
    CreatedToken,
    Dataset,
    DatasetFacets,
    DatasetPage,
    Datasets,
    Model,
    NewSample,
    Sample,
    SamplePage,
    ServerError,
    SourceCount,
    TokenPage,
    Tokens,
    ValidationIssue,
    Whoami,
    WhoamiOrg,
    WhoamiToken,
    Znyx,
    ZnyxApiError,
)
from znyx._errors import error_class_for_status
from znyx._operations import ENDPOINTS, FILE_MEDIA_TYPES

DOCUMENT: dict[str, Any] = json.loads((REPO_ROOT / "openapi.json").read_text(encoding="utf-8"))

NOT_COVERED = {
    "healthz": "a load balancer's probe (no token), not an API call",
    "readyz": "a load balancer's probe (no token), not an API call",
}

#: Each schema of the document and its model. ``ValidationError`` is renamed because
#: ``znyx.ValidationError`` is the 422 exception.
MODELS: dict[str, type[Model]] = {
    "Dataset": Dataset,
    "DatasetPage": DatasetPage,
    "DatasetFacets": DatasetFacets,
    "CatalogEntry": CatalogEntry,
    "CatalogPage": CatalogPage,
    "Sample": Sample,
    "SamplePage": SamplePage,
    "Whoami": Whoami,
    "NewSample": NewSample,
    "ValidationError": ValidationIssue,
    "ApiToken": ApiToken,
    "TokenPage": TokenPage,
    "CreatedToken": CreatedToken,
    "AppendedSamples": AppendedSamples,
}

#: Models of the document's inline objects, by where they are.
INLINE_MODELS: dict[str, type[Model]] = {
    "Whoami.org": WhoamiOrg,
    "Whoami.token": WhoamiToken,
    "DatasetFacets.sources[]": SourceCount,
    "DatasetFacets.categories[]": CategoryCount,
}

NOT_MODELLED = {
    "HTTPError": "the body of every error but 422: ZnyxApiError.detail",
    "HTTPValidationError": "the 422 body: ValidationError.errors",
    "Health": "GET /healthz is not covered",
    "Readiness": "GET /readyz is not covered",
}

#: Statuses the SDK cannot receive: a 304 answers If-None-Match, which it never sends (its
#: callers get current answers; ETags are for HTTP caches and conditional clients).
NEVER_RECEIVED = {304}

#: Wire parameters of List Datasets that ``iterate`` sets itself, and what it takes instead.
PAGING = {"limit", "offset", "cursor"}
ITERATE_OWN = frozenset({"page_size"})


@dataclass(frozen=True)
class Way:
    """How one SDK method calls an operation, where that is more than its wire parameters."""

    sets: frozenset[str] = frozenset()
    """Wire parameters the method sets itself (not arguments)."""
    own: frozenset[str] = frozenset()
    """Arguments of its own (not wire parameters): a streamed body, a destination, a page size."""
    returns: Any = None
    """``(is_async) -> the return annotation``, when it is not the operation's model."""


#: Each method of an operation (``Endpoint.sdk_method`` first) beyond the plain one-to-one case.
WAYS: dict[str, dict[str, Way]] = {
    "datasets.list": {
        "datasets.list": Way(),
        "datasets.iterate": Way(
            sets=frozenset(PAGING),
            own=ITERATE_OWN,
            returns=lambda is_async: AsyncIterator[Dataset] if is_async else Iterator[Dataset],
        ),
    },
    "datasets.delete": {"datasets.delete": Way(returns=lambda _is_async: type(None))},
    "datasets.import": {
        "datasets.import_samples": Way(own=frozenset({"samples"})),
        "datasets.import_file": Way(own=frozenset({"file", "format"})),
    },
    "datasets.export": {
        # export parses JSONL (CSV cannot tell a null from an empty string once parsed)
        "datasets.export": Way(
            sets=frozenset({"format"}),
            returns=lambda is_async: AsyncGenerator[NewSample, None] if is_async else Generator[NewSample, None, None],
        ),
        "datasets.export_file": Way(own=frozenset({"destination"}), returns=lambda _is_async: int),
    },
}

#: Operations whose body is streamed as a file (import) or answered as one (export), not JSON.
FILE_BODIES = {"datasets.import": "request", "datasets.export": "response"}

#: Each client, its resources (``client.datasets``, ``client.tokens``), and whether it awaits.
CLIENTS: dict[str, tuple[type, dict[str, type], bool]] = {
    "sync": (Znyx, {"datasets": Datasets, "tokens": Tokens}, False),
    "async": (AsyncZnyx, {"datasets": AsyncDatasets, "tokens": AsyncTokens}, True),
}


# --- schemas ------------------------------------------------------------------------------------


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(the schema's name if it is a $ref, the schema itself)."""
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.removeprefix("#/components/schemas/")
    return name, document["components"]["schemas"][name]


def split_null(schema: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """(whether null is allowed, the schema without null)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        rest = [k for k in kind if k != "null"]
        return "null" in kind, {**schema, "type": rest[0] if len(rest) == 1 else rest}
    if "anyOf" in schema:
        members = [m for m in schema["anyOf"] if m.get("type") != "null"]
        nullable = len(members) != len(schema["anyOf"])
        if len(members) == 1:
            return nullable, {**{k: v for k, v in schema.items() if k != "anyOf"}, **members[0]}
        return nullable, {**schema, "anyOf": members}
    return False, schema


def union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def without_none(annotation: Any) -> Any:
    members = tuple(m for m in union_members(annotation) if m is not type(None))
    return members[0] if len(members) == 1 else Union[members]  # noqa: UP007


def compare_type(annotation: Any, schema: dict[str, Any], where: str, document: dict[str, Any]) -> list[str]:
    """Problems of a (non-null) annotation against a (null-free) schema."""
    name, target = resolve(schema, document)
    if name is not None:
        expected = MODELS.get(name)
        return [] if annotation is expected else [f"{where}: is {annotation!r}, the document has ${name} ({expected!r})"]
    if "anyOf" in target:
        members = union_members(annotation)
        problems = []
        if len(members) != len(target["anyOf"]):
            problems.append(f"{where}: is {annotation!r}, the document has anyOf {target['anyOf']}")
        for member_schema in target["anyOf"]:
            if all(compare_type(m, member_schema, where, document) for m in members):
                problems.append(f"{where}: no member of {annotation!r} is {member_schema}")
        return problems
    kind = target.get("type")
    if "enum" in target:
        if typing.get_origin(annotation) is not Literal:
            return [f"{where}: is {annotation!r}, the document has the enum {target['enum']}"]
        if set(typing.get_args(annotation)) != set(target["enum"]):
            return [f"{where}: Literal{list(typing.get_args(annotation))} != the document's enum {target['enum']}"]
        return []
    if kind == "string":
        expected_type: Any = datetime if target.get("format") == "date-time" else str
        return [] if annotation is expected_type else [f"{where}: is {annotation!r}, the document has {kind} ({expected_type})"]
    if kind in ("integer", "boolean", "number"):
        expected_type = {"integer": int, "boolean": bool, "number": float}[kind]
        return [] if annotation is expected_type else [f"{where}: is {annotation!r}, the document has {kind}"]
    if kind == "array":
        if typing.get_origin(annotation) is not tuple:
            return [f"{where}: is {annotation!r}, the document has an array"]
        item, *_ = typing.get_args(annotation)
        nullable, items = split_null(target["items"])
        if nullable:
            return [f"{where}[]: the document allows null items"]
        inline = INLINE_MODELS.get(f"{where}[]")
        if inline is not None:
            return [] if item is inline else [f"{where}[]: is {item!r}, expected {inline!r}"]
        return compare_type(item, items, f"{where}[]", document)
    if kind == "object":
        if "properties" in target:
            inline = INLINE_MODELS.get(where)
            if inline is None or annotation is not inline:
                return [f"{where}: an inline object the SDK has no model for (INLINE_MODELS)"]
            return []
        return [] if typing.get_origin(annotation) is dict else [f"{where}: is {annotation!r}, the document has an object"]
    return [f"{where}: the document's {target} has no rule here"]


def compare_model(cls: type[Model], schema: dict[str, Any], where: str, document: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    for name in properties.keys() - fields.keys():
        problems.append(f"{where}.{name}: in the document, not in {cls.__name__}")
    for name in fields.keys() - properties.keys():
        problems.append(f"{where}.{name}: in {cls.__name__}, not in the document")
    for name in properties.keys() & fields.keys():
        field = fields[name]
        has_default = field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
        nullable, core = split_null(properties[name])
        annotated_nullable = type(None) in union_members(hints[name])
        if name in required:
            if has_default:
                problems.append(f"{where}.{name}: required in the document, has a default in {cls.__name__}")
            if nullable != annotated_nullable:
                problems.append(
                    f"{where}.{name}: the document {'allows' if nullable else 'forbids'} null, {cls.__name__} "
                    f"{'does not' if nullable else 'does'}"
                )
        elif field.default is not None or not annotated_nullable:
            problems.append(f"{where}.{name}: optional in the document; in {cls.__name__} it must default to None")
        problems += compare_type(without_none(hints[name]), core, f"{where}.{name}", document)
    return problems


def schema_problems(document: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    schemas: dict[str, Any] = document["components"]["schemas"]
    for name in schemas.keys() - MODELS.keys() - NOT_MODELLED.keys():
        problems.append(f"schema {name}: neither modelled (MODELS) nor listed in NOT_MODELLED")
    for name in (MODELS.keys() | NOT_MODELLED.keys()) - schemas.keys():
        problems.append(f"schema {name}: listed here, not in the document")
    for name, cls in MODELS.items():
        if name in schemas:
            problems += compare_model(cls, schemas[name], name, document)
    for where, cls in INLINE_MODELS.items():
        owner, _, path = where.partition(".")
        schema = schemas.get(owner, {})
        for part in path.split("."):
            schema = schema.get("properties", {}).get(part.removesuffix("[]"), {})
            if part.endswith("[]"):
                schema = schema.get("items", {})
        if not schema:
            problems.append(f"{where}: not in the document")
            continue
        problems += compare_model(cls, schema, where, document)
    # What the errors read: {"detail": "..."} and {"detail": [ValidationError, ...]}.
    if schemas.get("HTTPError", {}).get("properties") != {"detail": {"type": "string", "description": "Human-readable message"}}:
        problems.append("HTTPError: no longer {detail: string}; see detail_of in _errors.py")
    validation = schemas.get("HTTPValidationError", {}).get("properties", {})
    if validation != {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}}}:
        problems.append("HTTPValidationError: no longer {detail: [ValidationError]}; see detail_of in _errors.py")
    return problems


# --- operations ---------------------------------------------------------------------------------


def sdk_method(owner: type, resources: dict[str, type], dotted: str) -> Any:
    head, _, tail = dotted.partition(".")
    return getattr(resources[head], tail) if tail else getattr(owner, head)


def document_parameters(operation: dict[str, Any], document: dict[str, Any]) -> dict[str, tuple[bool, dict[str, Any]]]:
    """Every parameter of an operation, path, query and JSON body alike: name -> (required, schema)."""
    found: dict[str, tuple[bool, dict[str, Any]]] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] in ("path", "query"):
            found[parameter["name"]] = (bool(parameter.get("required")), parameter["schema"])
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        _, schema = resolve(body["schema"], document)
        for name, prop in schema.get("properties", {}).items():
            found[name] = (name in schema.get("required", []), prop)
    return found


def compare_parameter(annotation: Any, schema: dict[str, Any], where: str, document: dict[str, Any]) -> list[str]:
    """An argument may take more than the wire (a list for a comma-separated string), never less."""
    _, core = split_null(schema)
    members = union_members(without_none(annotation))
    alternatives = core.get("anyOf", [core])
    problems = []
    for alternative in alternatives:
        name, target = resolve(alternative, document)
        if "enum" in target:
            literals = [m for m in members if typing.get_origin(m) is Literal]
            if not literals or set(typing.get_args(literals[0])) != set(target["enum"]):
                problems.append(f"{where}: {annotation!r} is not Literal{target['enum']}")
        elif target.get("type") == "array":
            item_name, items = resolve(target["items"], document)
            item_type = MODELS.get(item_name) if item_name else {"string": str}.get(items.get("type", ""))
            iterables = [
                m
                for m in members
                if typing.get_origin(m) in (Iterable, list, tuple)
                and item_type in union_members(typing.get_args(m)[0])
            ]
            if not iterables:
                problems.append(f"{where}: {annotation!r} takes no iterable of {item_type!r}")
        else:
            expected = {"string": str, "integer": int, "boolean": bool, "number": float}.get(target.get("type", ""))
            if expected not in members:
                problems.append(f"{where}: {annotation!r} does not take {target.get('type')}")
    return problems


def signature_problems(
    method: Any,
    wanted: dict[str, tuple[bool, dict[str, Any]]],
    path: str,
    where: str,
    document: dict[str, Any],
    own: frozenset[str] = frozenset(),
    partial: bool = False,
) -> list[str]:
    """Problems of a method's arguments against the document's parameters (``own``: arguments of
    the SDK's own, e.g. ``page_size``, not checked; ``partial``: a PATCH, where null and absent
    differ)."""
    problems: list[str] = []
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    parameters = {name: p for name, p in signature.parameters.items() if name != "self" and name not in own}
    for name in wanted.keys() - parameters.keys():
        problems.append(f"{where}: the document's parameter {name} is not an argument")
    for name in parameters.keys() - wanted.keys():
        problems.append(f"{where}: argument {name} is not a parameter of the document")
    for name in wanted.keys() & parameters.keys():
        required, schema = wanted[name]
        parameter = parameters[name]
        if required and parameter.default is not inspect.Parameter.empty:
            problems.append(f"{where}({name}): required in the document, has a default")
        if not required:
            # None leaves an optional argument out, except in a PATCH where the document allows
            # null (which clears): there None is sent as null and UNSET leaves it out.
            nullable = partial and split_null(schema)[0]
            default, default_name = (UNSET, "UNSET") if nullable else (None, "None")
            if parameter.default is not default:
                problems.append(f"{where}({name}): optional in the document; its default must be {default_name}")
        problems += compare_parameter(hints[name], schema, f"{where}({name})", document)
    # Path parameters come first, positionally, in the path's order.
    in_path = [segment[1:-1] for segment in path.split("/") if segment.startswith("{")]
    if list(parameters)[: len(in_path)] != in_path:
        problems.append(f"{where}: the first arguments must be {in_path}, in that order")
    return problems


def operation_problems(document: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for path, operations in document["paths"].items():
        for http_method, operation in operations.items():
            operation_id = operation["operationId"]
            seen.add(operation_id)
            if operation_id in NOT_COVERED:
                continue
            endpoint = ENDPOINTS.get(operation_id)
            if endpoint is None:
                problems.append(f"{http_method.upper()} {path} ({operation_id}): no SDK method, nor in NOT_COVERED")
                continue
            if (endpoint.method, endpoint.path) != (http_method.upper(), path):
                problems.append(f"{operation_id}: the SDK sends {endpoint.method} {endpoint.path}")
            responses: dict[str, Any] = operation["responses"]
            success = {int(s) for s in responses if s.startswith("2")}
            if success != endpoint.success:
                problems.append(f"{operation_id}: success statuses {sorted(success)} != the SDK's {sorted(endpoint.success)}")
            for status in success:
                content = responses[str(status)].get("content", {})
                if endpoint.model is None:
                    if content:
                        problems.append(f"{operation_id} {status}: has a body, which the SDK does not read")
                    continue
                if FILE_BODIES.get(operation_id) == "response":
                    if set(content) != set(FILE_MEDIA_TYPES.values()):
                        problems.append(f"{operation_id} {status}: answers {sorted(content)}, not {sorted(FILE_MEDIA_TYPES.values())}")
                    continue
                body = content.get("application/json")
                name = resolve(body["schema"], document)[0] if body else None
                if name is None or MODELS.get(name) is not endpoint.model:
                    problems.append(f"{operation_id} {status}: body {name} is not read as {endpoint.model.__name__}")
            if FILE_BODIES.get(operation_id) == "request":
                sent = set(operation.get("requestBody", {}).get("content", {}))
                if sent != set(FILE_MEDIA_TYPES.values()):
                    problems.append(f"{operation_id}: takes {sorted(sent)}, the SDK sends {sorted(FILE_MEDIA_TYPES.values())}")
            for status in (int(s) for s in responses if not s.startswith("2") and int(s) not in NEVER_RECEIVED):
                if error_class_for_status(status) in (ZnyxApiError, ClientError, ServerError):
                    problems.append(f"{operation_id}: status {status} has no error class of its own")
                body = responses[str(status)].get("content", {}).get("application/json", {})
                expected_body = "HTTPValidationError" if status == 422 else "HTTPError"
                if resolve(body.get("schema", {}), document)[0] != expected_body:
                    problems.append(f"{operation_id} {status}: the error body is not {expected_body}")
            wanted = document_parameters(operation, document)
            ways = WAYS.get(operation_id, {endpoint.sdk_method: Way()})
            if endpoint.sdk_method not in ways:
                problems.append(f"{operation_id}: WAYS does not list its method {endpoint.sdk_method}")
            for flavour, (owner, resources, is_async) in CLIENTS.items():
                for dotted, way in ways.items():
                    where = f"{flavour} {dotted}"
                    try:
                        method = sdk_method(owner, resources, dotted)
                    except AttributeError:
                        problems.append(f"{where}: no such method")
                        continue
                    is_generator = inspect.isasyncgenfunction(method) or inspect.isgeneratorfunction(method)
                    if not is_generator and inspect.iscoroutinefunction(method) != is_async:
                        problems.append(f"{where}: {'not ' if is_async else ''}a coroutine function")
                    if is_generator and inspect.isasyncgenfunction(method) != is_async:
                        problems.append(f"{where}: {'not ' if is_async else ''}an async generator")
                    taken = {name: wanted[name] for name in wanted.keys() - way.sets}
                    problems += signature_problems(
                        method, taken, path, where, document, own=way.own, partial=http_method == "patch"
                    )
                    arguments = set(inspect.signature(method).parameters)
                    if not way.own <= arguments:
                        problems.append(f"{where}: takes no {sorted(way.own - arguments)}")
                    returned = typing.get_type_hints(method)["return"]
                    if way.returns is not None:
                        expected = way.returns(is_async)
                        if returned != expected:
                            problems.append(f"{where}: returns {returned!r}, not {expected!r}")
                    elif endpoint.model is None or (
                        returned is not endpoint.model and endpoint.model not in typing.get_type_hints(returned).values()
                    ):
                        problems.append(f"{where}: returns {returned!r}, not {endpoint.model!r}")
    for operation_id in ENDPOINTS.keys() - seen:
        problems.append(f"{operation_id}: an SDK method for an operation the document does not have")
    for operation_id in NOT_COVERED.keys() - seen:
        problems.append(f"{operation_id}: in NOT_COVERED, not in the document")
    for flavour, (_, resources, _) in CLIENTS.items():
        for prefix, resource in resources.items():
            public = {name for name, _ in inspect.getmembers(resource, inspect.isfunction) if not name.startswith("_")}
            documented = {
                dotted.partition(".")[2]
                for e in ENDPOINTS.values()
                for dotted in WAYS.get(e.operation_id, {e.sdk_method: Way()})
                if dotted.startswith(f"{prefix}.")
            }
            for name in public - documented:
                problems.append(f"{flavour} {prefix}.{name}: a method of no operation of the document")
    return problems


# --- the tests ----------------------------------------------------------------------------------


def test_every_schema_is_a_model_with_the_documents_fields() -> None:
    assert schema_problems(DOCUMENT) == []


def test_every_operation_is_a_method_of_both_clients_with_the_documents_parameters() -> None:
    assert operation_problems(DOCUMENT) == []


def _list_datasets(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"]["/v1/orgs/{org_id}/datasets"]["get"]
    return operation


def _without_cursor(document: dict[str, Any]) -> None:
    # Keyset paging taken back: cursor in, next_cursor out.
    operation = _list_datasets(document)
    operation["parameters"] = [p for p in operation["parameters"] if p["name"] != "cursor"]
    page = document["components"]["schemas"]["DatasetPage"]
    del page["properties"]["next_cursor"]
    page["required"].remove("next_cursor")


def _nullable_name(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Dataset"]["properties"]["name"]["type"] = ["string", "null"]


def _new_source(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Dataset"]["properties"]["source"]["enum"].append("partner")


def _optional_total(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["DatasetPage"]["required"].remove("total")


def _renamed_query_parameter(document: dict[str, Any]) -> None:
    next(p for p in _list_datasets(document)["parameters"] if p["name"] == "q")["name"] = "search"


def _new_operation(document: dict[str, Any]) -> None:
    document["paths"]["/v1/orgs/{org_id}/datasets/{dataset_id}/samples"]["delete"] = {
        "operationId": "datasets.clearSamples",
        "responses": {"204": {"description": "Cleared"}},
    }


def _new_schema(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["Token"] = {"type": "object", "properties": {"id": {"type": "string"}}}


def _new_body_field(document: dict[str, Any]) -> None:
    body = document["paths"]["/v1/orgs/{org_id}/datasets"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"]["properties"]["tags"] = {"type": "array", "items": {"type": "string"}}


def _new_error_status(document: dict[str, Any]) -> None:
    _list_datasets(document)["responses"]["412"] = copy.deepcopy(_list_datasets(document)["responses"]["403"])


def _import_takes_json_lines(document: dict[str, Any]) -> None:
    body = document["paths"]["/v1/orgs/{org_id}/datasets/{dataset_id}/import"]["post"]["requestBody"]["content"]
    body["application/jsonl"] = body.pop("application/x-ndjson")


def _export_takes_a_new_format(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/orgs/{org_id}/datasets/{dataset_id}/export"]["get"]
    next(p for p in operation["parameters"] if p["name"] == "format")["schema"]["enum"].append("parquet")


def _delete_answers_the_dataset(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/orgs/{org_id}/datasets/{dataset_id}"]["delete"]
    operation["responses"]["200"] = copy.deepcopy(document["paths"]["/v1/orgs/{org_id}/datasets/{dataset_id}"]["get"]["responses"]["200"])


def _new_update_field(document: dict[str, Any]) -> None:
    operation = document["paths"]["/v1/orgs/{org_id}/datasets/{dataset_id}"]["patch"]
    operation["requestBody"]["content"]["application/json"]["schema"]["properties"]["tags"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}]
    }


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_import_takes_json_lines, ["datasets.import: takes ['application/jsonl', 'text/csv']"]),
        (_export_takes_a_new_format, ["sync datasets.export_file(format): ", "is not Literal['jsonl', 'csv', 'parquet']"]),
        (_delete_answers_the_dataset, ["datasets.delete: success statuses [200, 204]"]),
        (_new_update_field, ["sync datasets.update: the document's parameter tags is not an argument"]),
        (_without_cursor, ["DatasetPage.next_cursor: in DatasetPage, not in the document", "argument cursor is not a parameter"]),
        (_nullable_name, ["Dataset.name: the document allows null"]),
        (_new_source, ["Dataset.source: Literal"]),
        (_optional_total, ["DatasetPage.total: optional in the document"]),
        (_renamed_query_parameter, ["parameter search is not an argument", "argument q is not a parameter"]),
        (_new_operation, ["DELETE /v1/orgs/{org_id}/datasets/{dataset_id}/samples (datasets.clearSamples): no SDK method"]),
        (_new_schema, ["schema Token: neither modelled"]),
        (_new_body_field, ["sync datasets.create: the document's parameter tags"]),
        (_new_error_status, ["datasets.list: status 412 has no error class"]),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:] if callable(value) else "",
)
def test_a_change_of_the_document_without_the_sdk_fails(change: Any, named: list[str]) -> None:
    document = copy.deepcopy(DOCUMENT)
    change(document)
    problems = "\n".join(schema_problems(document) + operation_problems(document))
    for expected in named:
        assert expected in problems, problems
