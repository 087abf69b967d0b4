"""Protocol-level checks of the emulator with raw aiohttp clients (no discord.py bot)."""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from discord_emulator import Emulator, RateLimitConfig, SchemaValidator, default_spec_path
from discord_emulator import _limits as limits
from discord_emulator._snowflake import SnowflakeGenerator, snowflake_time


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(heartbeat_interval=0.5) as emulator:
        emulator.add_guild("Heroes")
        yield emulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def _auth(emu: Emulator) -> dict[str, str]:
    return {"Authorization": f"Bot {emu.token}"}


# ---------------------------------------------------------------------------- gateway


async def test_plain_text_gateway_identify_ready_heartbeat(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    async with session.ws_connect(f"ws://127.0.0.1:{emu.port}/?v=10&encoding=json") as ws:
        hello = await ws.receive_json(timeout=2)
        assert hello == {"op": 10, "d": {"heartbeat_interval": 500}}
        await ws.send_json({"op": 1, "d": None})
        assert await ws.receive_json(timeout=2) == {"op": 11}
        await ws.send_json({"op": 2, "d": {"token": emu.token, "intents": 513, "properties": {}}})
        ready = await ws.receive_json(timeout=2)
        assert (ready["op"], ready["s"], ready["t"]) == (0, 1, "READY")
        assert ready["d"]["resume_gateway_url"] == f"ws://127.0.0.1:{emu.port}/resume"
        assert ready["d"]["application"]["id"] == str(emu.app.id)
        guild_create = await ws.receive_json(timeout=2)
        assert (guild_create["s"], guild_create["t"]) == (2, "GUILD_CREATE")
        assert guild_create["d"]["members"][0]["flags"] == 0
    assert emu.identifies[0].intents == 513 and emu.identifies[0].privileged_intents == 0


async def test_bad_token_closes_4004(emu: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.ws_connect(f"ws://127.0.0.1:{emu.port}/") as ws:
        await ws.receive_json(timeout=2)
        await ws.send_json({"op": 2, "d": {"token": "nope", "intents": 0, "properties": {}}})
        msg = await ws.receive(timeout=2)
        assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4004


async def test_zlib_stream_frames(emu: Emulator, session: aiohttp.ClientSession) -> None:
    inflater = zlib.decompressobj()
    async with session.ws_connect(f"ws://127.0.0.1:{emu.port}/?compress=zlib-stream") as ws:
        frame = await ws.receive(timeout=2)
        assert frame.type == aiohttp.WSMsgType.BINARY and frame.data.endswith(b"\x00\x00\xff\xff")
        assert json.loads(inflater.decompress(frame.data))["op"] == 10
        await ws.send_json({"op": 1, "d": None})
        ack = await ws.receive(timeout=2)
        assert json.loads(inflater.decompress(ack.data)) == {"op": 11}


async def test_zstd_stream_frames(emu: Emulator, session: aiohttp.ClientSession) -> None:
    # discord.py (2.5+) asks for zstd-stream when zstandard is importable (its [speed] extra):
    # the emulator then sends one zstd stream per connection, each message a BINARY frame
    # decoded whole, as Discord does. Without zstandard (the default install) it cannot encode
    # zstd and sends TEXT, which discord.py reads without decompressing.
    try:
        import zstandard
    except ImportError:
        zstandard = None
    async with session.ws_connect(f"ws://127.0.0.1:{emu.port}/?compress=zstd-stream") as ws:
        hello = await ws.receive(timeout=2)
        await ws.send_json({"op": 1, "d": None})
        ack = await ws.receive(timeout=2)
    if zstandard is None:
        assert (hello.type, ack.type) == (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.TEXT)
        assert json.loads(hello.data)["op"] == 10 and json.loads(ack.data) == {"op": 11}
        return
    decoder = zstandard.ZstdDecompressor().decompressobj()
    assert (hello.type, ack.type) == (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.BINARY)
    assert json.loads(decoder.decompress(hello.data))["op"] == 10
    assert json.loads(decoder.decompress(ack.data)) == {"op": 11}


async def test_resume_unknown_session_is_invalid(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    async with session.ws_connect(f"ws://127.0.0.1:{emu.port}/resume") as ws:
        await ws.receive_json(timeout=2)
        await ws.send_json({"op": 6, "d": {"token": emu.token, "session_id": "x", "seq": 3}})
        assert await ws.receive_json(timeout=2) == {"op": 9, "d": False}


# ---------------------------------------------------------------------------- REST


async def test_json_content_type_is_exact(emu: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emu.base_url}/api/v10/users/@me", headers=_auth(emu)) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["X-RateLimit-Bucket"] and resp.headers["X-RateLimit-Remaining"]
        assert (await resp.json())["id"] == str(emu.bot_user.id)


async def test_missing_authorization_is_401(emu: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(f"{emu.base_url}/api/v10/users/@me") as resp:
        assert resp.status == 401
    assert [v.kind for v in emu.violations] == ["unauthorized"]


async def test_unimplemented_route_is_404_and_recorded(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    async with session.get(f"{emu.base_url}/api/v10/guilds/1/bans", headers=_auth(emu)) as resp:
        assert resp.status == 404
    assert [(v.kind, v.path) for v in emu.violations] == [("unimplemented_route", "/guilds/1/bans")]


async def test_global_429_shape(session: aiohttp.ClientSession) -> None:
    async with Emulator(rate_limits=RateLimitConfig(global_per_second=1)) as emu:
        url = f"{emu.base_url}/api/v10/users/@me"
        async with session.get(url, headers=_auth(emu)) as resp:
            assert resp.status == 200
        async with session.get(url, headers=_auth(emu)) as resp:
            assert resp.status == 429
            assert resp.headers["Via"] and resp.headers["Retry-After"]
            assert resp.headers["Content-Type"] == "application/json"
            body = await resp.json()
            assert body["global"] is True and 0 < body["retry_after"] <= 1
        assert emu.served_429 == 1


async def test_route_bucket_429(session: aiohttp.ClientSession) -> None:
    async with Emulator(rate_limits=RateLimitConfig(route_limit=2, route_window=5)) as emu:
        url = f"{emu.base_url}/api/v10/users/@me"
        statuses = []
        for _ in range(3):
            async with session.get(url, headers=_auth(emu)) as resp:
                statuses.append(resp.status)
                last = resp
        assert statuses == [200, 200, 429]
        assert last.headers["X-RateLimit-Remaining"] == "0"
        assert last.headers["X-RateLimit-Scope"] == "user"


async def test_multipart_message_with_file(emu: Emulator, session: aiohttp.ClientSession) -> None:
    channel = next(iter(emu.state.channels.values()))
    url = f"{emu.base_url}/api/v10/channels/{channel.id}/messages"

    def form(content: str) -> aiohttp.FormData:
        data = aiohttp.FormData(quote_fields=False)
        data.add_field(
            "payload_json",
            json.dumps({"content": content, "attachments": [{"id": 0, "filename": "a.txt"}]}),
        )
        data.add_field(
            "files[0]", b"hello", filename="a.txt", content_type="application/octet-stream"
        )
        return data

    async with session.post(url, data=form("with file"), headers=_auth(emu)) as resp:
        assert resp.status == 200, await resp.text()
    assert [m.content for m in emu.conversation(channel)] == ["with file"]
    async with session.post(url, data=form("y" * 2001), headers=_auth(emu)) as resp:
        assert resp.status == 400
        body = await resp.json()
        assert body["code"] == 50035
        assert body["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert [v.kind for v in emu.violations] == ["invalid_form_body"]


# ---------------------------------------------------------------------------- limits


def _codes(errors: list[limits.FieldError]) -> set[str]:
    return {code for _, code, _ in errors}


def test_embed_limits() -> None:
    assert limits.check_embeds([{"title": "t" * 256, "description": "d" * 4096}]) == []
    assert _codes(limits.check_embeds([{"title": "t" * 257}])) == {"BASE_TYPE_MAX_LENGTH"}
    assert limits.check_embeds([{}] * 11)[0][0] == ("embeds",)
    fields = [{"name": "n", "value": "v"}] * 26
    assert limits.check_embeds([{"fields": fields}])
    assert limits.check_embeds([{"fields": [{"name": "n" * 257, "value": "v" * 1025}]}])
    assert limits.check_embeds([{"footer": {"text": "f" * 2049}, "author": {"name": "a" * 257}}])
    # 6000 total across all embeds of a message
    two = [{"description": "d" * 3000}, {"description": "d" * 3001}]
    assert _codes(limits.check_embeds(two)) == {"MAX_EMBED_SIZE_EXCEEDED"}


def test_component_limits() -> None:
    button = {"type": 2, "style": 1, "label": "ok", "custom_id": "b"}
    row = {"type": 1, "components": [button]}
    assert limits.check_components([row]) == []
    assert limits.check_components([row] * 6)
    assert _codes(limits.check_components([{"type": 1, "components": [button] * 6}])) == {
        "COMPONENT_LAYOUT_WIDTH_EXCEEDED"
    }
    assert limits.check_components(
        [{"type": 1, "components": [{**button, "custom_id": "c" * 101}]}]
    )
    assert limits.check_components([{"type": 1, "components": [{**button, "label": "l" * 81}]}])
    select = {"type": 3, "custom_id": "s", "options": [{"label": "x", "value": "x"}] * 26}
    assert limits.check_components([{"type": 1, "components": [select]}])


def test_message_and_allowed_mentions() -> None:
    assert limits.check_message({"content": "x" * 2000}) == []
    assert limits.check_message({"content": "x" * 2001})
    assert limits.check_message({}, require_content=True)
    assert limits.check_allowed_mentions({"parse": ["users"], "users": ["1"]})
    assert limits.check_allowed_mentions({"parse": ["nobody"]})
    assert limits.check_allowed_mentions({"parse": [], "replied_user": False}) == []


def test_command_limits() -> None:
    ok = {
        "name": "cast",
        "description": "d",
        "options": [{"type": 3, "name": "name", "description": "d"}],
    }
    assert limits.check_command_list([ok]) == []
    assert limits.check_command({"name": "Cast", "description": "d"})
    assert limits.check_command({"name": "two words", "description": "d"})
    assert limits.check_command({"name": "x" * 33, "description": "d"})
    assert limits.check_command({"name": "नमस्ते", "description": "d"}) == []
    assert limits.check_command({"name": "cast", "description": "d" * 101})
    assert limits.check_command({"name": "cast", "description": ""})
    many = [{"type": 3, "name": f"o{i}", "description": "d"} for i in range(26)]
    assert limits.check_command({"name": "cast", "description": "d", "options": many})
    choices = [{"name": f"c{i}", "value": f"c{i}"} for i in range(26)]
    opt = {"type": 3, "name": "o", "description": "d", "choices": choices}
    assert limits.check_command({"name": "cast", "description": "d", "options": [opt]})
    assert limits.check_command({"name": "Context Menu", "type": 2, "description": ""}) == []
    assert limits.check_command_list([ok, ok])  # duplicate names


def test_autocomplete_limits() -> None:
    assert limits.check_autocomplete({"choices": [{"name": "a", "value": "a"}]}) == []
    assert limits.check_autocomplete({"choices": [{"name": "a", "value": "a"}] * 26})
    assert limits.check_autocomplete({"choices": [{"name": "", "value": "a"}]})
    assert limits.check_autocomplete({"choices": [{"name": "n" * 101, "value": "a"}]})


# ---------------------------------------------------------------------------- schema / misc


def test_missing_spec_skips_schema_layer(tmp_path: Path) -> None:
    validator = SchemaValidator(tmp_path / "absent.json")
    assert validator.skipped_reason is not None and "not found" in validator.skipped_reason
    assert validator.validate("MessageCreateRequest", {"content": 5}) == []


def test_spec_path_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_OPENAPI_SPEC", str(tmp_path / "spec.json"))
    assert default_spec_path() == tmp_path / "spec.json"


@pytest.mark.skipif(not default_spec_path().exists(), reason="Discord OpenAPI spec not available")
def test_schema_layer_catches_type_errors() -> None:
    validator = SchemaValidator()
    assert validator.enabled
    assert (
        validator.validate(
            "CreateMessageInteractionCallbackRequest", {"type": 4, "data": {"content": "hi"}}
        )
        == []
    )
    assert validator.validate(
        "CreateMessageInteractionCallbackRequest", {"type": 4, "data": {"content": 5}}
    )
    assert validator.validate("IncomingWebhookRequestPartial", {"content": "x", "tts": "yes"})


@pytest.mark.skipif(not default_spec_path().exists(), reason="Discord OpenAPI spec not available")
def test_a_body_validated_again_gets_the_same_verdict_from_the_kept_one() -> None:
    validator = SchemaValidator()
    bad = {"type": 4, "data": {"content": 5}}
    first = validator.validate("CreateMessageInteractionCallbackRequest", bad)
    first.append(((), "CALLER", "a caller's own change to the list it was given"))
    again = validator.validate("CreateMessageInteractionCallbackRequest", bad)
    assert again and again == first[:-1]
    good = {"type": 4, "data": {"content": "hi"}}
    assert validator.validate("CreateMessageInteractionCallbackRequest", good) == []
    assert validator.validate("IncomingWebhookRequestPartial", bad) != again  # keyed by schema


def test_snowflakes_are_timestamped_and_unique() -> None:
    gen = SnowflakeGenerator(lambda: 1_700_000_000.0)
    ids = [gen() for _ in range(100)]
    assert len(set(ids)) == 100 and ids == sorted(ids)
    assert abs(snowflake_time(ids[0]) - 1_700_000_000.0) < 0.001
