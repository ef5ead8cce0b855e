"""What a file upload parameter accepts."""

from __future__ import annotations

import typing

# bytes, an open binary file, or a tuple (filename, content[, content_type[, headers]])
FileContent = typing.Union[typing.IO[bytes], bytes, str]
File = typing.Union[
    FileContent,
    typing.Tuple[typing.Optional[str], FileContent],
    typing.Tuple[typing.Optional[str], FileContent, typing.Optional[str]],
    typing.Tuple[typing.Optional[str], FileContent, typing.Optional[str], typing.Mapping[str, str]],
]
