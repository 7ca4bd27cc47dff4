"""Retries, timeouts, headers and unusual answers: against a misbehaving peer (tests/peer.py) where
the real server cannot be made to misbehave on demand, and against the real server's own rate limit.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from email.utils import formatdate
from typing import Any

import httpx
import pytest
from peer import DATASET, ORG, Answer, Drop, Stall, dataset, page, peer
from real_server import Org, Server, start_server

from znyx import (
    AsyncZnyx,
    ClientError,
    InternalServerError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    Znyx,
    ZnyxApiError,
    ZnyxNetworkError,
    ZnyxResponseError,
    ZnyxTimeoutError,
    __version__,
)

FAST: dict[str, Any] = {"retry_base_delay": 0.01}
UNAVAILABLE = Answer(503, {"detail": "Database unavailable; retry shortly"})
OK_PAGE = Answer(200, page([DATASET], total=1))


def client_of(url: str, **options: Any) -> Znyx:
    return Znyx(token="znyx_rt_test", base_url=url, **{**FAST, **options})


def test_a_get_is_retried_after_503_and_429_until_it_succeeds() -> None:
    with peer(UNAVAILABLE, Answer(429, {"detail": "slow down"}), OK_PAGE) as p, client_of(p.url) as client:
        assert client.datasets.list(ORG).datasets[0].name == DATASET["name"]
    assert [r.method for r in p.requests] == ["GET"] * 3


def test_retries_stop_after_max_retries() -> None:
    with peer(Answer(503, {"detail": "down"}, {"Retry-After": "0"})) as p, client_of(p.url) as client:
        with pytest.raises(ServiceUnavailableError) as caught:
            client.datasets.list(ORG)
    assert len(p.requests) == 3  # the first attempt and max_retries=2
    error = caught.value
    assert isinstance(error, ServerError) and (error.status, error.detail, error.retry_after) == (503, "down", 0.0)

    with peer(UNAVAILABLE) as p, client_of(p.url, max_retries=0) as client:
        with pytest.raises(ServiceUnavailableError):
            client.datasets.list(ORG)
    assert len(p.requests) == 1


def test_retry_after_in_seconds_is_waited_for() -> None:
    with peer(Answer(429, {"detail": "over"}, {"Retry-After": "1"}), OK_PAGE) as p, client_of(p.url) as client:
        client.datasets.list(ORG)
    assert len(p.requests) == 2
    assert 0.95 <= p.gaps()[0] < 5.0


def test_retry_after_as_an_http_date_is_waited_for() -> None:
    # A date in whole seconds, 2 to 3 s from now: the retry comes no earlier than that instant,
    # however long the first request took (an HTTP date has no fraction to round).
    when = int(time.time()) + 3
    wall, mono = time.time(), time.monotonic()  # the peer stamps requests with the monotonic clock
    with peer(Answer(503, {"detail": "down"}, {"Retry-After": formatdate(when, usegmt=True)}), OK_PAGE) as p:
        with client_of(p.url) as client:
            client.datasets.list(ORG)
    assert len(p.requests) == 2
    retried_at = wall + (p.requests[1].at - mono)
    assert when - 0.1 <= retried_at < when + 5.0


def test_a_retry_after_beyond_max_retry_delay_is_raised_at_once() -> None:
    too_long = Answer(429, {"detail": "Rate limit exceeded"}, {"Retry-After": "120"})
    with peer(too_long, OK_PAGE) as p, client_of(p.url, max_retry_delay=5) as client:
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            client.datasets.list(ORG)
    assert time.monotonic() - started < 2.5  # waiting the 5 s cap would take longer
    assert len(p.requests) == 1
    assert caught.value.retry_after == 120.0


def test_backoff_waits_stay_under_their_doubling_ceiling() -> None:
    base = 0.05
    with peer(UNAVAILABLE) as p, client_of(p.url, max_retries=4, retry_base_delay=base) as client:
        with pytest.raises(ServiceUnavailableError):
            client.datasets.list(ORG)
    gaps = p.gaps()
    assert len(gaps) == 4
    for retry, gap in enumerate(gaps, start=1):
        assert gap <= base * 2 ** (retry - 1) + 0.5, gaps  # the ceiling, and time to answer


def test_a_post_is_never_retried() -> None:
    for behaviour in (UNAVAILABLE, Answer(429, {"detail": "over"}, {"Retry-After": "0"})):
        with peer(behaviour, Answer(201, DATASET)) as p, client_of(p.url) as client:
            with pytest.raises(ZnyxApiError) as caught:
                client.datasets.create(ORG, "Once")
        assert caught.value.status == behaviour.status
        assert [r.method for r in p.requests] == ["POST"]

    with peer(Drop(), Answer(201, DATASET)) as p, client_of(p.url) as client:
        with pytest.raises(ZnyxNetworkError):
            client.datasets.install(ORG, "truthfulqa")
    assert [r.method for r in p.requests] == ["POST"]


def test_a_dropped_connection_is_retried_for_a_get() -> None:
    with peer(Drop(), Drop(), OK_PAGE) as p, client_of(p.url) as client:
        assert client.datasets.list(ORG).total == 1
    assert len(p.requests) == 3

    with peer(Drop()) as p, client_of(p.url) as client:
        with pytest.raises(ZnyxNetworkError) as caught:
            client.datasets.list(ORG)
    assert len(p.requests) == 3
    error = caught.value
    assert not isinstance(error, ZnyxTimeoutError)
    assert isinstance(error.__cause__, httpx.TransportError)
    assert error.method == "GET" and error.url == f"{p.url}/v1/orgs/{ORG}/datasets"


def test_a_stalled_answer_times_out_and_the_get_is_retried() -> None:
    with peer(Stall(10), OK_PAGE) as p, client_of(p.url, timeout=0.5) as client:
        started = time.monotonic()
        assert client.datasets.list(ORG).total == 1
    assert len(p.requests) == 2
    assert 0.45 <= time.monotonic() - started < 5.0

    with peer(Stall(10)) as p, client_of(p.url, timeout=0.3, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(ZnyxTimeoutError) as caught:
            client.me()
    assert time.monotonic() - started < 5.0
    assert isinstance(caught.value, ZnyxNetworkError) and "timed out" in str(caught.value)


def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client_of(f"http://127.0.0.1:{port}", max_retries=1) as client:
        with pytest.raises(ZnyxNetworkError) as caught:
            client.me()
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_every_request_carries_the_token_and_identifies_the_sdk() -> None:
    with peer(Answer(201, DATASET)) as p:
        with Znyx(token="znyx_ci_secret", base_url=p.url + "/", headers={"X-Team": "evals"}) as client:
            client.datasets.create(ORG, "Ünïcode", samples=[{"input": "秘密"}])
    (request,) = p.requests
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["authorization"] == "Bearer znyx_ci_secret"
    assert headers["accept"] == "application/json"
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith(f"znyx-sdk-python/{__version__} ")
    assert headers["x-team"] == "evals"
    assert request.path == f"/v1/orgs/{ORG}/datasets"
    # Compact UTF-8 JSON, unset fields left out so the API's defaults apply.
    assert request.body == '{"name":"Ünïcode","samples":[{"input":"秘密"}]}'.encode()


def test_error_bodies_that_are_not_the_apis_still_make_a_typed_error() -> None:
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    with peer(Answer(502, html), Answer(500, "upstream exploded"), Answer(418, {"detail": 7})) as p:
        with client_of(p.url, max_retries=0) as client:
            with pytest.raises(ServerError) as bad_gateway:
                client.me()
            with pytest.raises(InternalServerError) as internal:
                client.me()
            with pytest.raises(ClientError) as teapot:
                client.me()
    assert (bad_gateway.value.status, bad_gateway.value.detail, bad_gateway.value.body) == (502, "Bad Gateway", html)
    assert (internal.value.status, internal.value.detail) == (500, "upstream exploded")
    assert type(teapot.value) is ClientError and teapot.value.detail == "I'm a Teapot"


def test_a_success_body_that_does_not_match_the_document_is_a_response_error() -> None:
    missing = {k: v for k, v in page([DATASET], total=1).items() if k != "datasets"}
    mistyped = page([{**DATASET, "sample_count": "50"}], total=1)
    headers = {"X-Request-Id": "req-1"}
    with peer(Answer(200, "not json", headers), Answer(200, missing), Answer(200, mistyped)) as p:
        with client_of(p.url) as client:
            with pytest.raises(ZnyxResponseError, match="not JSON") as not_json:
                client.datasets.list(ORG)
            with pytest.raises(ZnyxResponseError, match=r"DatasetPage\.datasets: missing"):
                client.datasets.list(ORG)
            with pytest.raises(ZnyxResponseError, match=r"DatasetPage\.datasets\[0\]\.sample_count: expected an integer"):
                client.datasets.list(ORG)
    assert (not_json.value.status, not_json.value.request_id) == (200, "req-1")
    assert len(p.requests) == 3  # a 200 is an answer: never retried


def test_fields_a_newer_server_adds_are_ignored() -> None:
    newer = page([{**DATASET, "owner_team": "red", "source": "partner_feed"}], total=1, facets_hint=True)
    with peer(Answer(200, newer)) as p, client_of(p.url) as client:
        (only,) = client.datasets.list(ORG).datasets
    assert only.name == DATASET["name"] and only.to_dict()["source"] == "partner_feed"


def test_iterate_follows_next_cursor_until_it_is_null() -> None:
    # List Datasets' keyset paging (the spec's "Paging at depth"): next_cursor, null on the last page.
    script = [
        Answer(200, page([dataset(1), dataset(2)], total=3, next_cursor="b3BhcXVl")),
        Answer(200, page([dataset(3)], total=3, next_cursor=None)),
    ]
    with peer(*script) as p, client_of(p.url) as client:
        names = [d.name for d in client.datasets.iterate(ORG, source="customer", page_size=2)]
    assert names == ["Dataset 1", "Dataset 2", "Dataset 3"]
    prefix = f"/v1/orgs/{ORG}/datasets?source=customer&limit=2"
    assert [r.path for r in p.requests] == [prefix, f"{prefix}&cursor=b3BhcXVl"]


def test_the_async_client_retries_a_get_and_never_a_post() -> None:
    async def main(url: str) -> None:
        async with AsyncZnyx(token="znyx_rt_test", base_url=url, **FAST) as client:
            assert (await client.datasets.list(ORG)).total == 1
            with pytest.raises(ServiceUnavailableError):
                await client.datasets.install(ORG, "bold")

    with peer(UNAVAILABLE, Drop(), OK_PAGE, UNAVAILABLE, OK_PAGE) as p:
        asyncio.run(main(p.url))
    assert [r.method for r in p.requests] == ["GET", "GET", "GET", "POST"]


def test_the_async_client_times_out() -> None:
    async def main(url: str) -> None:
        async with AsyncZnyx(token="znyx_rt_test", base_url=url, timeout=0.3, max_retries=1, **FAST) as client:
            with pytest.raises(ZnyxTimeoutError):
                await client.me()

    with peer(Stall(10)) as p:
        started = time.monotonic()
        asyncio.run(main(p.url))
    assert len(p.requests) == 2 and time.monotonic() - started < 6.0


def test_the_real_servers_rate_limit_is_a_rate_limit_error(server: Server, acme: Org) -> None:
    limited = start_server(server.database_url, RATE_LIMIT_PER_MINUTE="2")
    try:
        with Znyx(token=acme.runtime, base_url=limited.url, max_retry_delay=1) as client:
            client.me()
            client.me()
            started = time.monotonic()
            with pytest.raises(RateLimitError) as caught:
                client.datasets.list(acme.id)
            # Its Retry-After (the rest of the minute) is longer than max_retry_delay: raised without
            # waiting, where two waits of max_retry_delay would take 2 s.
            assert time.monotonic() - started < 1.9
    finally:
        limited.stop()
    error = caught.value
    assert error.status == 429 and isinstance(error.detail, str) and "rate limit" in error.detail.lower()
    assert error.retry_after is not None and 1 < error.retry_after <= 60
    assert error.request_id
    assert json.loads(json.dumps(error.body)) == {"detail": error.detail}
