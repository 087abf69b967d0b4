"""Request parsing and exact-header response helpers.

discord.py only decodes a body as JSON when ``Content-Type`` is *exactly*
``application/json`` (aiohttp's ``json_response`` appends ``; charset=utf-8``,
after which the client sees a str), so every response is built by hand here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web


def path_id(value: Any) -> int:
    """A snowflake from a route's path or body; -1 (found nowhere) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def json_body(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    resp = web.Response(
        body=json.dumps(data, separators=(",", ":")).encode(),
        status=status,
        headers=headers,
    )
    # Set after construction so aiohttp cannot append a charset parameter.
    resp.headers["Content-Type"] = "application/json"
    return resp


def no_content(headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=204, headers=headers)


@dataclass
class UploadedFile:
    field: str
    filename: str | None
    size: int
    content_type: str | None


@dataclass
class ParsedBody:
    """A request body: JSON (or multipart ``payload_json``) plus any files."""

    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)
    content_type: str = ""
    error: str | None = None


async def parse_body(request: web.Request) -> ParsedBody:
    ctype = request.content_type
    out = ParsedBody(content_type=ctype)
    if not request.body_exists:
        return out
    if ctype == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # nested multipart: discord.py never sends it
            name = part.name or ""
            data = await part.read(decode=False)
            if name == "payload_json":
                try:
                    out.json = json.loads(data.decode())
                except ValueError as exc:
                    out.error = f"payload_json is not JSON: {exc}"
            else:
                ctype_part = part.headers.get("Content-Type")
                out.files.append(UploadedFile(name, part.filename, len(data), ctype_part))
        return out
    raw = await request.read()
    if not raw:
        return out
    if ctype == "application/json":
        try:
            out.json = json.loads(raw.decode())
        except ValueError as exc:
            out.error = f"body is not JSON: {exc}"
    else:
        out.error = f"unsupported content type {ctype!r}"
    return out
