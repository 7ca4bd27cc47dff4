"""How models read JSON, and the retry policy's decisions: pure functions, tested directly."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Any

import pytest
from peer import DATASET

from znyx import (
    Dataset,
    DatasetPage,
    ModelError,
    NewSample,
    Sample,
    ValidationIssue,
    Whoami,
)
from znyx._retry import RetryPolicy, parse_retry_after


def test_a_dataset_reads_the_documents_example_and_writes_it_back() -> None:
    dataset = Dataset.from_dict(DATASET)
    assert dataset.created_at == datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    assert dataset.description is None and dataset.is_public is True
    assert dataset.to_dict() == DATASET


def test_models_are_frozen_and_compare_by_value() -> None:
    dataset = Dataset.from_dict(DATASET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataset.name = "other"  # type: ignore[misc]
    assert dataset == Dataset.from_dict(dict(DATASET))
    assert hash(dataset) == hash(Dataset.from_dict(dict(DATASET)))


def test_unknown_fields_are_ignored() -> None:
    page = DatasetPage.from_dict(
        {"total": 1, "limit": 1, "offset": 0, "next_cursor": None, "datasets": [{**DATASET, "x": 1}], "y": []}
    )
    assert page.datasets[0].name == DATASET["name"]


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        ({"name": None}, "Dataset.name", "must not be null"),
        ({"sample_count": "50"}, "Dataset.sample_count", "expected an integer, got a string"),
        ({"sample_count": 50.0}, "Dataset.sample_count", "expected an integer, got a number"),
        ({"sample_count": True}, "Dataset.sample_count", "expected an integer, got a boolean"),
        ({"is_public": 1}, "Dataset.is_public", "expected a boolean, got a number"),
        ({"category": 7}, "Dataset.category", "expected a string, got a number"),
        ({"created_at": "yesterday"}, "Dataset.created_at", "not an ISO 8601 date-time: 'yesterday'"),
        ({"source": None}, "Dataset.source", "must not be null"),
    ],
)
def test_a_mistyped_field_is_refused_with_its_place(change: dict[str, Any], where: str, problem: str) -> None:
    with pytest.raises(ModelError) as caught:
        Dataset.from_dict({**DATASET, **change})
    assert (caught.value.where, caught.value.problem) == (where, problem)


def test_a_missing_required_field_is_refused_even_when_it_may_be_null() -> None:
    without = {k: v for k, v in DATASET.items() if k != "created_by"}
    with pytest.raises(ModelError, match=r"^Dataset\.created_by: missing$"):
        Dataset.from_dict(without)


def test_problems_deep_in_a_page_name_their_path() -> None:
    data = {"total": 2, "limit": 2, "offset": 0, "next_cursor": None, "datasets": [DATASET, {**DATASET, "updated_at": None}]}
    with pytest.raises(ModelError, match=r"^DatasetPage\.datasets\[1\]\.updated_at: must not be null$"):
        DatasetPage.from_dict(data)
    with pytest.raises(ModelError, match=r"^DatasetPage: expected an object, got an array$"):
        DatasetPage.from_dict([])


def test_nested_objects_arrays_and_free_form_metadata() -> None:
    whoami = Whoami.from_dict(
        {
            "org": {"id": "o", "name": "Acme"},
            "token": {"id": "t", "kind": "ci", "scopes": ["read", "write"], "prefix": "znyx_ci_ab", "expires_at": None},
        }
    )
    assert whoami.token.scopes == ("read", "write") and whoami.token.expires_at is None
    sample = Sample.from_dict({"id": "s", "input": "hi", "expected_output": None, "metadata": {"a": [1, {"b": None}]}})
    assert sample.metadata == {"a": [1, {"b": None}]}
    with pytest.raises(ModelError, match=r"Sample\.metadata: expected an object, got an array"):
        Sample.from_dict({"id": "s", "input": "hi", "expected_output": None, "metadata": []})
    issue = ValidationIssue.from_dict({"loc": ["body", "samples", 3, "input"], "msg": "m", "type": "t"})
    assert issue.loc == ("body", "samples", 3, "input")


def test_a_new_sample_sends_only_what_is_set() -> None:
    assert NewSample("hi").to_dict() == {"input": "hi"}
    assert NewSample("hi", expected_output="ok", metadata={}).to_dict() == {
        "input": "hi",
        "expected_output": "ok",
        "metadata": {},
    }


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    for unreadable in ("", "-1", "1.5", "soon", "٣"):
        assert parse_retry_after(unreadable, now=now) is None, unreadable


def test_the_policy_retries_only_idempotent_requests_on_429_503_and_network_errors() -> None:
    policy = RetryPolicy(max_retries=2, base_delay=1.0, max_delay=10.0, jitter=lambda: 1.0)
    assert policy.after_status("GET", 1, 503, None) == 1.0
    assert policy.after_status("HEAD", 2, 429, None) == 2.0
    assert policy.after_status("GET", 3, 503, None) is None  # retries used up
    assert policy.after_status("GET", 1, 429, 7.0) == 7.0
    assert policy.after_status("GET", 1, 429, 11.0) is None  # longer than max_delay
    for status in (400, 401, 404, 409, 422, 500, 502):
        assert policy.after_status("GET", 1, status, None) is None
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        assert policy.after_status(method, 1, 503, 0.0) is None
        assert policy.after_network_error(method, 1) is None
    assert policy.after_network_error("GET", 2) == 2.0
    assert policy.after_network_error("GET", 3) is None
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)


def test_backoff_is_exponential_with_full_jitter() -> None:
    ceilings = [RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=lambda: 1.0).backoff(n) for n in range(1, 6)]
    assert ceilings == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert RetryPolicy(jitter=lambda: 0.0).backoff(3) == 0.0
    waits = [RetryPolicy(base_delay=0.5).backoff(3) for _ in range(200)]
    assert all(0.0 <= wait <= 2.0 for wait in waits)
    assert len(set(waits)) > 100 and min(waits) < 0.5 and max(waits) > 1.5
