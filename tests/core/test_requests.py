from __future__ import annotations

import datetime as dt
import json
import typing

import httpx
import pydantic
import pytest

from humanloop.core.api_error import ApiError, ResponseParseError
from humanloop.core.client_wrapper import SyncClientWrapper
from humanloop.core.serialization import OMIT, encode_path_param
from humanloop.core.unchecked_base_model import UncheckedBaseModel

from .helpers import Recorder, sync_wrapper

OK = httpx.Response(200, json={})


def test_omitted_parameters_are_not_sent_and_none_is_null() -> None:
    rec = Recorder(OK)
    sync_wrapper(rec).request(
        "POST",
        "prompts/log",
        params={"version_id": None, "environment": "staging"},
        json={
            "path": "p",
            "error": None,
            "output": OMIT,
            "created_at": dt.datetime(2024, 7, 19, 0, 29, 35, tzinfo=dt.timezone.utc),
        },
    )
    request = rec.requests[0]
    assert dict(request.url.params) == {"environment": "staging"}
    assert json.loads(request.content) == {"path": "p", "error": None, "created_at": "2024-07-19T00:29:35Z"}
    assert request.headers["content-type"] == "application/json"


def test_headers_and_request_options() -> None:
    rec = Recorder(OK)
    sync_wrapper(rec).request(
        "POST",
        "x",
        params={"a": True, "ids": ["1", "2"]},
        json={"k": 1},
        request_options={
            "additional_headers": {"X-Trace": "t1"},
            "additional_query_parameters": {"debug": "1"},
            "additional_body_parameters": {"extra": [1]},
        },
    )
    request = rec.requests[0]
    assert request.headers["x-api-key"] == "test-key"
    assert request.headers["x-fern-language"] == "Python"
    assert request.headers["x-fern-sdk-name"] == "humanloop"
    assert request.headers["x-trace"] == "t1"
    assert request.url.params.get_list("ids") == ["1", "2"]
    assert request.url.params["a"] == "true" and request.url.params["debug"] == "1"
    assert json.loads(request.content) == {"k": 1, "extra": [1]}


def test_path_params_are_escaped() -> None:
    assert encode_path_param("pr_1") == "pr_1"
    assert encode_path_param("a/b?c") == "a%2Fb%3Fc"


def test_per_request_timeout_and_default_timeout() -> None:
    rec = Recorder(OK)
    wrapper = sync_wrapper(rec)
    wrapper.request("GET", "x", request_options={"timeout_in_seconds": 3})
    wrapper.request("GET", "x")
    assert rec.requests[0].extensions["timeout"]["read"] == 3.0
    # a client built by the SDK defaults to 60 s
    own = SyncClientWrapper(api_key="k", base_url="http://127.0.0.1:9")
    assert own.httpx_client.httpx_client.timeout.read == 60.0
    custom = SyncClientWrapper(api_key="k", base_url="http://127.0.0.1:9", timeout=7)
    assert custom.httpx_client.httpx_client.timeout.read == 7.0


def test_custom_httpx_client_used_as_given() -> None:
    rec = Recorder(OK)
    client = httpx.Client(transport=httpx.MockTransport(rec), headers={"X-Custom": "yes"})
    wrapper = SyncClientWrapper(api_key="k", base_url="https://h.test/v5", httpx_client=client)
    assert wrapper.httpx_client.httpx_client is client
    wrapper.request("GET", "logs")
    assert rec.requests[0].headers["x-custom"] == "yes"
    assert str(rec.requests[0].url) == "https://h.test/v5/logs"


def test_api_key_and_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUMANLOOP_API_KEY", "env-key")
    monkeypatch.setenv("HUMANLOOP_BASE_URL", "http://127.0.0.1:1234/v5/")
    wrapper = SyncClientWrapper()
    assert wrapper.api_key == "env-key"
    assert wrapper.get_base_url() == "http://127.0.0.1:1234/v5"
    monkeypatch.delenv("HUMANLOOP_API_KEY")
    with pytest.raises(ApiError, match="HUMANLOOP_API_KEY"):
        SyncClientWrapper()


class Level(UncheckedBaseModel):
    name: str
    provider: typing.Optional[typing.Union[typing.Literal["openai", "anthropic"], typing.Any]] = None


def test_unknown_fields_and_enum_values_are_kept() -> None:
    rec = Recorder(httpx.Response(200, json={"name": "n", "provider": "brand-new", "added_later": {"x": 1}}))
    result = sync_wrapper(rec).request("GET", "x", response_type=Level)
    assert result.provider == "brand-new"
    assert result.added_later == {"x": 1}
    assert result.model_dump()["added_later"] == {"x": 1}


def test_response_that_does_not_fit_raises_with_body() -> None:
    rec = Recorder(httpx.Response(200, json={"name": 5}))
    with pytest.raises(ResponseParseError) as info:
        sync_wrapper(rec).request("GET", "x", response_type=Level)
    assert info.value.body == {"name": 5}
    assert isinstance(info.value.__cause__, pydantic.ValidationError)


def test_specific_error_class_parses_its_body() -> None:
    class Detail(pydantic.BaseModel):
        detail: typing.List[typing.Dict[str, typing.Any]]

    class Unprocessable(ApiError):
        body_type = Detail

        def __init__(self, body: typing.Any, headers: typing.Optional[typing.Dict[str, str]] = None) -> None:
            super().__init__(status_code=422, body=body, headers=headers)

    rec = Recorder(httpx.Response(422, json={"detail": [{"loc": ["body", "path"], "msg": "bad", "type": "x"}]}))
    with pytest.raises(Unprocessable) as info:
        sync_wrapper(rec).request("POST", "x", json={}, errors={422: Unprocessable})
    assert isinstance(info.value.body, Detail)
    assert info.value.body.detail[0]["loc"] == ["body", "path"]


def test_datetimes_utc_as_z_offsets_kept_naive_made_local() -> None:
    from humanloop.core.serialization import serialize_datetime

    assert (
        serialize_datetime(dt.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=dt.timezone.utc))
        == "2024-01-02T03:04:05.600000Z"
    )
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert serialize_datetime(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=plus_two)) == "2024-01-02T03:04:05+02:00"
    naive = dt.datetime(2024, 1, 2, 3, 4, 5)
    sent = serialize_datetime(naive)
    assert dt.datetime.fromisoformat(sent.replace("Z", "+00:00")) == naive.astimezone()


def test_a_call_that_sets_no_body_parameter_sends_no_body() -> None:
    """As the 0.8.6 SDK: `prompts.update_log(id=..., log_id=...)` and the like send no body and no
    content type; a body with anything in it (even only nulls) is still sent."""
    from humanloop import Humanloop

    from ..sdk import fixtures as fx

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=fx.directory() if "directories" in request.url.path else fx.prompt_log())

    rec = Recorder(answer)
    client = Humanloop(
        api_key="k", base_url="http://hl.test/v5", httpx_client=httpx.Client(transport=httpx.MockTransport(rec))
    )
    client.prompts.update_log(id="pr_1", log_id="log_1")
    client.directories.create()
    for request in rec.requests:
        assert request.content == b"" and "content-type" not in request.headers
    client.prompts.update_log(id="pr_1", log_id="log_1", output=None)
    assert json.loads(rec.requests[-1].content) == {"output": None}
    sync_wrapper(rec).request("POST", "x", json={"a": OMIT}, request_options={"additional_body_parameters": {"b": 1}})
    assert json.loads(rec.requests[-1].content) == {"b": 1}
