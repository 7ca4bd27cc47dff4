"""What a call raises: :class:`ZnyxApiError` (and a subclass per status) when the API answered
with an error, :class:`ZnyxNetworkError` when no answer came, :class:`ZnyxResponseError` when
a success answer cannot be read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._models import ModelError, ValidationIssue

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ClientError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "UnsupportedMediaTypeError",
    "ValidationError",
    "ZnyxApiError",
    "ZnyxError",
    "ZnyxNetworkError",
    "ZnyxResponseError",
    "ZnyxTimeoutError",
    "error_class_for_status",
]


class ZnyxError(Exception):
    """Base of every error this SDK raises about a call."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self._fields = fields

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not survive pickle's default (multiprocessing pickles errors).
        return (_rebuild, (type(self), self._fields))


def _rebuild(cls: type[ZnyxError], fields: dict[str, Any]) -> ZnyxError:
    return cls(**fields)


class ZnyxApiError(ZnyxError):
    """The API answered with an error status (4xx or 5xx).

    ``detail`` is the FastAPI-style body's ``detail``: a message, or for a 422 the tuple of
    :class:`ValidationIssue` (also at :attr:`ValidationError.errors`).
    """

    status: int
    detail: str | tuple[ValidationIssue, ...]
    request_id: str | None
    """The answer's ``X-Request-Id``: quote it when you report a problem."""
    retry_after: float | None
    """From ``Retry-After`` (seconds, or an HTTP date turned into seconds from now), else ``None``."""
    method: str
    url: str
    body: Any
    """The decoded JSON body, or its text when it is not JSON."""

    def __init__(
        self,
        *,
        status: int,
        detail: str | tuple[ValidationIssue, ...],
        method: str,
        url: str,
        request_id: str | None = None,
        retry_after: float | None = None,
        body: Any = None,
    ) -> None:
        message = f"ZNYX API {method} {_path_of(url)} -> {status}: {_describe(detail)}"
        if request_id:
            message += f" (request id {request_id})"
        super().__init__(
            message,
            status=status,
            detail=detail,
            method=method,
            url=url,
            request_id=request_id,
            retry_after=retry_after,
            body=body,
        )
        self.status = status
        self.detail = detail
        self.request_id = request_id
        self.retry_after = retry_after
        self.method = method
        self.url = url
        self.body = body


class ClientError(ZnyxApiError):
    """A 4xx answer: the request needs changing before it can succeed."""


class BadRequestError(ClientError):
    """400: a malformed request."""


class AuthenticationError(ClientError):
    """401: no token, or a malformed, unknown, expired or revoked one."""


class PermissionDeniedError(ClientError):
    """403: another org's id, or a token without the scope (runtime tokens cannot write)."""


class NotFoundError(ClientError):
    """404: a dataset or catalog entry this org does not have."""


class ConflictError(ClientError):
    """409: e.g. a dataset name the org already uses (compared case-insensitively)."""


class PayloadTooLargeError(ClientError):
    """413: a body over the endpoint's limit."""


class UnsupportedMediaTypeError(ClientError):
    """415: a body that is not JSON."""


class ValidationError(ClientError):
    """422: invalid input; :attr:`errors` lists every problem with its ``loc``."""

    @property
    def errors(self) -> tuple[ValidationIssue, ...]:
        return self.detail if isinstance(self.detail, tuple) else ()


class RateLimitError(ClientError):
    """429: over the rate limit (after the retries); see :attr:`retry_after`."""


class ServerError(ZnyxApiError):
    """A 5xx answer: the service failed; the request may succeed later."""


class InternalServerError(ServerError):
    """500."""


class ServiceUnavailableError(ServerError):
    """503: e.g. the service's database is briefly unavailable (after the retries)."""


_BY_STATUS: dict[int, type[ZnyxApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: ValidationError,
    429: RateLimitError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}


def error_class_for_status(status: int) -> type[ZnyxApiError]:
    """The most specific error class for an HTTP error status."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 400 <= status < 500:
        return ClientError
    if 500 <= status < 600:
        return ServerError
    return ZnyxApiError


class ZnyxNetworkError(ZnyxError):
    """No answer at all: the connection failed or broke. The httpx error is ``__cause__``."""

    method: str
    url: str

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message, method=method, url=url)
        self.method = method
        self.url = url


class ZnyxTimeoutError(ZnyxNetworkError):
    """No answer within the timeout (connecting, sending, or waiting for data)."""


class ZnyxResponseError(ZnyxError):
    """A success answer this SDK cannot read: not JSON, or not the shape of the document."""

    status: int
    method: str
    url: str
    request_id: str | None

    def __init__(self, message: str, *, status: int, method: str, url: str, request_id: str | None) -> None:
        super().__init__(message, status=status, method=method, url=url, request_id=request_id)
        self.status = status
        self.method = method
        self.url = url
        self.request_id = request_id


def detail_of(body: Any, fallback: str) -> str | tuple[ValidationIssue, ...]:
    """An error body's ``detail`` the FastAPI way: a message or the 422 problems, else ``fallback``."""
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list):
            try:
                return tuple(ValidationIssue.from_dict(item) for item in detail)
            except ModelError:
                pass
    # A short plain-text message is worth repeating; a proxy's HTML page is not.
    if isinstance(body, str) and 0 < len(body) <= 500 and not body.lstrip().startswith("<"):
        return body.strip()
    return fallback


def _describe(detail: str | tuple[ValidationIssue, ...]) -> str:
    if isinstance(detail, str):
        return detail
    return "; ".join(f"{'.'.join(str(part) for part in issue.loc)}: {issue.msg}" for issue in detail)


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
