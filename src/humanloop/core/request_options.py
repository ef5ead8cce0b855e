"""Per-request settings, passed as ``request_options=`` to any SDK method."""

from __future__ import annotations

import typing

import typing_extensions


class RequestOptions(typing_extensions.TypedDict, total=False):
    """Settings that apply to one call only.

    - ``timeout_in_seconds``: overrides the client's timeout for this call.
    - ``max_retries``: exactly this many retries for this call (0 disables retrying).
    - ``additional_headers``: extra HTTP headers (they win over the SDK's own).
    - ``additional_query_parameters``: extra query string parameters.
    - ``additional_body_parameters``: extra keys merged into the JSON body.
    """

    timeout_in_seconds: int
    max_retries: int
    additional_headers: typing.Dict[str, typing.Any]
    additional_query_parameters: typing.Dict[str, typing.Any]
    additional_body_parameters: typing.Dict[str, typing.Any]
