"""What the sync and the async client share: their settings, how a call becomes an HTTP request,
and the exchange itself — attempts, retries and waits, and how an answer becomes a result or an
error — written once, without I/O, as a generator that a client drives.

:func:`exchange` yields a :class:`RequestSpec` when it wants a request sent (the driver sends it
and sends back the ``httpx.Response``, or the ``httpx.RequestError`` it raised), or a
:class:`Wait` when it wants to pause before retrying (the driver sleeps, then sends ``None``).
Its return value is the call's result; what it raises is the call's error.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterable, AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, Union
from urllib.parse import quote, urlencode

import httpx

from ._errors import (
    ZnyxApiError,
    ZnyxNetworkError,
    ZnyxResponseError,
    ZnyxTimeoutError,
    detail_of,
    error_class_for_status,
)
from ._models import Model, ModelError
from ._retry import IDEMPOTENT_METHODS, RetryPolicy, parse_retry_after
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "Call",
    "Download",
    "ClientConfig",
    "Endpoint",
    "RequestSpec",
    "Wait",
    "exchange",
]

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.znyx.ai"
DEFAULT_TIMEOUT = 30.0
USER_AGENT = f"znyx-sdk-python/{__version__} httpx/{httpx.__version__}"


@dataclass(frozen=True)
class ClientConfig:
    """A client's settings, resolved once (arguments first, then the environment)."""

    token: str = field(repr=False)
    base_url: str
    timeout: httpx.Timeout
    retry: RetryPolicy
    headers: tuple[tuple[str, str], ...] = field(repr=False)  # Authorization among them

    @classmethod
    def resolve(
        cls,
        *,
        token: str | None,
        base_url: str | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        retry_base_delay: float,
        max_retry_delay: float,
        headers: Mapping[str, str] | None,
        environ: Mapping[str, str] = os.environ,
    ) -> ClientConfig:
        token = token or environ.get("ZNYX_TOKEN") or None
        if not token:
            raise ValueError("No ZNYX token: pass Znyx(token=...) or set the ZNYX_TOKEN environment variable")
        url = (base_url or environ.get("ZNYX_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http:// or https:// URL, got {url!r}")
        sent = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **(headers or {}),
            "Authorization": f"Bearer {token}",
        }
        return cls(
            token=token,
            base_url=url,
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            retry=RetryPolicy(max_retries=max_retries, base_delay=retry_base_delay, max_delay=max_retry_delay),
            headers=tuple(sent.items()),
        )


@dataclass(frozen=True)
class Endpoint:
    """One operation of openapi.json, as this SDK calls it."""

    operation_id: str
    method: str
    path: str
    """The document's path template, e.g. ``/v1/orgs/{org_id}/datasets``."""
    sdk_method: str
    """Where it is on a client, e.g. ``datasets.list``."""
    success: frozenset[int]
    """The success statuses the document lists."""
    model: type[Model] | None
    """The schema of the success body (of each line, for a streamed one); ``None`` when it has none."""


_NO_BODY: Any = object()


@dataclass(frozen=True)
class Call(Generic[T]):
    """One call of an endpoint: its arguments on the wire and how its success answer is read."""

    endpoint: Endpoint
    read: Callable[[int, Any], T]
    """``(status, decoded JSON body) -> result``; a :class:`ModelError` it raises becomes a
    :class:`ZnyxResponseError`."""
    path_params: Mapping[str, str]
    query: tuple[tuple[str, str], ...] = ()
    body: Any = _NO_BODY
    """A JSON body."""
    content: Iterable[bytes] | AsyncIterable[bytes] | None = None
    """A streamed body (sent chunked, as it is produced), of ``content_type``; never retried."""
    content_type: str | None = None
    answer: Literal["json", "empty", "stream"] = "json"
    """How a success answer is read: its JSON body; none (``read`` gets ``None``); or not at all
    (``read`` gets the open :class:`Download`, which the caller reads and closes)."""


@dataclass(frozen=True)
class RequestSpec:
    """A request for the driver to send (with ``config.timeout``)."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...] = field(repr=False)  # Authorization among them
    content: bytes | Iterable[bytes] | AsyncIterable[bytes] | None = field(repr=False)
    stream: bool = False
    """Whether the answer is streamed: the driver sends with ``stream=True`` and reads (and closes)
    an error answer itself before handing it over."""

    def build(self, http: httpx.Client | httpx.AsyncClient, timeout: httpx.Timeout) -> httpx.Request:
        """The ``httpx.Request``, built by the client that sends it (so its own defaults apply)."""
        return http.build_request(
            self.method, self.url, params=self.params or None, headers=self.headers, content=self.content, timeout=timeout
        )

    @property
    def display_url(self) -> str:
        return f"{self.url}?{urlencode(self.params)}" if self.params else self.url


@dataclass(frozen=True)
class Wait:
    """A pause for the driver to take before the next attempt."""

    seconds: float


Step = Union[RequestSpec, Wait]
Outcome = Union[httpx.Response, httpx.RequestError, None]


def exchange(config: ClientConfig, call: Call[T]) -> Generator[Step, Outcome, T]:
    """The whole of one call, attempts and retries included (see the module's docstring)."""
    spec = _request_spec(config, call)
    retry = config.retry
    attempt = 1
    while True:
        outcome = yield spec
        if isinstance(outcome, httpx.Response):
            if outcome.is_success:
                if call.answer == "stream":
                    return call.read(outcome.status_code, Download(outcome, spec, config.timeout))
                if call.answer == "empty":
                    return call.read(outcome.status_code, None)
                return _read_success(call, spec, outcome)
            api_error = _api_error(spec, outcome)
            delay = retry.after_status(spec.method, attempt, outcome.status_code, api_error.retry_after)
            if delay is None:
                raise api_error
        elif isinstance(outcome, httpx.RequestError):
            delay = retry.after_network_error(spec.method, attempt)
            if delay is None:
                raise _network_error(spec, outcome, config.timeout, uploading=call.content is not None) from outcome
        else:  # pragma: no cover - a driver bug
            raise TypeError(f"exchange expected an httpx.Response or httpx.RequestError, got {outcome!r}")
        yield Wait(delay)
        attempt += 1


def _request_spec(config: ClientConfig, call: Call[Any]) -> RequestSpec:
    endpoint = call.endpoint
    path = endpoint.path
    for name, value in call.path_params.items():
        # Quoted whole, so an id can never move the request to another path.
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    headers = config.headers
    content: bytes | Iterable[bytes] | AsyncIterable[bytes] | None = None
    if call.body is not _NO_BODY:
        content = _json_bytes(call.body)
        headers = (*headers, ("Content-Type", "application/json"))
    elif call.content is not None:
        if endpoint.method in IDEMPOTENT_METHODS:  # pragma: no cover - a bug of an operation
            raise TypeError("a streamed body could not be sent again on a retry")
        content = call.content
        headers = (*headers, ("Content-Type", call.content_type or "application/octet-stream"))
    if call.answer == "stream":
        # The answer is not JSON: accept what the operation streams.
        headers = tuple((k, "*/*") if k == "Accept" else (k, v) for k, v in headers)
    return RequestSpec(
        method=endpoint.method,
        url=config.base_url + path,
        params=call.query,
        headers=headers,
        content=content,
        stream=call.answer == "stream",
    )


def _json_bytes(body: Any) -> bytes:
    # NaN and Infinity are not JSON: refuse them here rather than send what the API cannot parse.
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate: sent escaped, so the API answers a 422 naming where it is.
        return json.dumps(body, allow_nan=False, separators=(",", ":")).encode("ascii")


def _read_success(call: Call[T], spec: RequestSpec, response: httpx.Response) -> T:
    request_id = response.headers.get("x-request-id")

    def unreadable(problem: str) -> ZnyxResponseError:
        return ZnyxResponseError(
            f"ZNYX API {spec.method} {spec.display_url} -> {response.status_code}: {problem}",
            status=response.status_code,
            method=spec.method,
            url=spec.display_url,
            request_id=request_id,
        )

    try:
        data = json.loads(response.content)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError alike
        raise unreadable(f"the body is not JSON ({error})") from error
    try:
        return call.read(response.status_code, data)
    except ModelError as error:
        raise unreadable(f"the body does not match the document: {error}") from error


def _api_error(spec: RequestSpec, response: httpx.Response) -> ZnyxApiError:
    body: Any
    try:
        body = json.loads(response.content)
    except ValueError:
        body = response.content.decode("utf-8", errors="replace")
    status = response.status_code
    return error_class_for_status(status)(
        status=status,
        detail=detail_of(body, response.reason_phrase or f"HTTP {status}"),
        method=spec.method,
        url=spec.display_url,
        request_id=response.headers.get("x-request-id"),
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        body=body,
    )


def _network_error(
    spec: RequestSpec, error: httpx.RequestError, timeout: httpx.Timeout, *, uploading: bool = False
) -> ZnyxNetworkError:
    where = f"ZNYX API {spec.method} {spec.display_url}"
    if uploading and isinstance(error, httpx.WriteError):
        # The API answers an import at its first bad line (or past its size limit) without reading
        # the rest, then closes the connection. httpcore 0.16 (Debian 12's) never reads an answer
        # after a failed write; httpcore 0.17.3 and later try to, so there the 422 (or 413) may
        # come through instead.
        return ZnyxNetworkError(
            f"{where} failed: the server closed the connection before the upload ended "
            f"({type(error).__name__}: {error}); it does so when it refuses a body early — at its "
            "first bad line, or past its size limit — and nothing was written",
            method=spec.method,
            url=spec.display_url,
        )
    if isinstance(error, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: timeout.connect,
            httpx.ReadTimeout: timeout.read,
            httpx.WriteTimeout: timeout.write,
            httpx.PoolTimeout: timeout.pool,
        }
        limit = phase.get(type(error))
        return ZnyxTimeoutError(
            f"{where} timed out ({type(error).__name__}" + (f" after {limit} s)" if limit is not None else ")"),
            method=spec.method,
            url=spec.display_url,
        )
    return ZnyxNetworkError(
        f"{where} failed: {type(error).__name__}: {error}", method=spec.method, url=spec.display_url
    )


# --- the wire form of arguments ------------------------------------------------------------------


def query(**values: Any) -> tuple[tuple[str, str], ...]:
    """Query parameters in the document's names; ``None`` (and an empty category list) left out."""
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            raise TypeError(f"{name} must not be a bool")
        params.append((name, str(value)))
    return tuple(params)


def comma_list(value: str | Iterable[str] | None) -> str | None:
    """``categories`` as the API takes it: comma-separated (a string is sent as it is)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value or None
    joined = ",".join(value)
    return joined or None


# --- streamed answers ----------------------------------------------------------------------------


class Download:
    """An open streamed success answer (export): its body as lines or chunks, read as it arrives.

    A transfer cut short (the connection broke, or the server ended it early) raises a
    :class:`ZnyxNetworkError`, never a quiet end. Whoever reads it closes it (:meth:`close` or
    :meth:`aclose`), also when they stop early.
    """

    def __init__(self, response: httpx.Response, spec: RequestSpec, timeout: httpx.Timeout) -> None:
        self.response = response
        self._spec = spec
        self._timeout = timeout

    @property
    def url(self) -> str:
        return self._spec.display_url

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self.response.iter_bytes()
        except httpx.RequestError as error:
            raise _network_error(self._spec, error, self._timeout) from error

    async def achunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.aiter_bytes():
                yield chunk
        except httpx.RequestError as error:
            raise _network_error(self._spec, error, self._timeout) from error

    def close(self) -> None:
        self.response.close()

    async def aclose(self) -> None:
        await self.response.aclose()

    def unreadable(self, problem: str) -> ZnyxResponseError:
        return ZnyxResponseError(
            f"ZNYX API {self._spec.method} {self._spec.display_url} -> {self.response.status_code}: {problem}",
            status=self.response.status_code,
            method=self._spec.method,
            url=self._spec.display_url,
            request_id=self.response.headers.get("x-request-id"),
        )


class LineSplitter:
    """Bytes in, whole lines out: split on LF only (a JSON string may hold U+2028, U+0085 or a
    CR, which ``str.splitlines`` would split on)."""

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        data = self._rest + chunk
        lines = data.split(b"\n")
        self._rest = lines.pop()
        return lines

    def end(self) -> list[bytes]:
        rest, self._rest = self._rest, b""
        return [rest] if rest else []
