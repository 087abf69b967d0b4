"""Gateway v10 over aiohttp websockets.

One ``GatewaySession`` per IDENTIFY: it owns the sequence counter and a
replay buffer so a RESUME after a drop gets every missed dispatch. A session
outlives its websocket ``Connection``; events dispatched while no connection
is attached are buffered and replayed on RESUME.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from ._state import Application, State

try:  # zstd-stream, as Discord sends it, when the zstandard package is installed
    import zstandard
except ImportError:
    zstandard = None

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

REPLAY_BUFFER = 2000
# discord.py's heartbeat thread notes the send time only after the event loop has written the
# heartbeat; an emulator on the same machine (or in the same process) can acknowledge before
# that, so discord.py computes latency from the *previous* heartbeat (~interval, e.g. "30003 ms",
# and warns "Can't keep up"). Discord is never that fast; 10 ms keeps the order even when the
# heartbeat thread waits a GIL switch interval (5 ms) to run.
HEARTBEAT_ACK_DELAY = 0.01


@dataclass(frozen=True)
class Identify:
    """What the bot sent in one IDENTIFY."""

    intents: int | None
    shard: tuple[int, int] | None
    properties: dict[str, Any]
    compress: bool
    large_threshold: int | None
    presence: dict[str, Any] | None

    @property
    def privileged_intents(self) -> int:
        return (self.intents or 0) & PRIVILEGED_INTENTS


@dataclass
class GatewayConfig:
    heartbeat_interval_ms: int = 41250


class Connection:
    """One websocket, with the transport compression the client asked for."""

    def __init__(
        self, ws: web.WebSocketResponse, request: web.Request, compress: str | None
    ) -> None:
        self.ws = ws
        self.request = request
        self.path = request.path
        self.compress = compress
        # zlib-stream: one compression context for the whole connection, every
        # message ends with a Z_SYNC_FLUSH marker (00 00 ff ff) the client keys on.
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        # zstd-stream: one zstd stream for the whole connection, each message flushed to a
        # block boundary so the client decodes it whole (discord.py asks for it when zstandard
        # is importable). Without zstandard here, messages go as TEXT, which discord.py reads.
        self._zstd = (
            zstandard.ZstdCompressor().compressobj()
            if compress == "zstd-stream" and zstandard is not None
            else None
        )
        self.session: GatewaySession | None = None
        self.closed = False

    async def send(self, payload: dict[str, Any]) -> bool:
        if self.closed or self.ws.closed:
            return False
        data = json.dumps(payload, separators=(",", ":"))
        try:
            if self._zlib is not None:
                chunk = self._zlib.compress(data.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(chunk)
            elif self._zstd is not None:
                flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK
                await self.ws.send_bytes(
                    self._zstd.compress(data.encode()) + self._zstd.flush(flush)
                )
            else:
                await self.ws.send_str(data)
        except (ConnectionResetError, RuntimeError) as exc:
            _log.debug("gateway send failed (%s); connection considered lost", exc)
            self.closed = True
            return False
        return True

    async def close(self, code: int) -> None:
        self.closed = True
        await self.ws.close(code=code)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (client sees 1006)."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()


@dataclass
class GatewaySession:
    session_id: str
    identify: Identify
    shard_id: int
    shard_count: int
    seq: int = 0
    buffer: deque[tuple[int, dict[str, Any]]] = field(
        default_factory=lambda: deque(maxlen=REPLAY_BUFFER)
    )
    connection: Connection | None = None
    ready: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        async with self.lock:
            return await self._dispatch_locked(event, data)

    async def _dispatch_locked(self, event: str, data: dict[str, Any]) -> int:
        self.seq += 1
        payload = {"op": OP_DISPATCH, "s": self.seq, "t": event, "d": data}
        self.buffer.append((self.seq, payload))
        if self.connection is not None:
            await self.connection.send(payload)
        return self.seq


class Gateway:
    """Accepts websocket connections and runs the v10 protocol."""

    def __init__(
        self,
        state: State,
        app: Application,
        config: GatewayConfig,
        base_url: Callable[[], str],
        notify: Callable[[], None],
    ) -> None:
        self._state = state
        self._app = app
        self._config = config
        self._base_url = base_url
        self._notify = notify
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[Connection] = []
        self.identifies: list[Identify] = []
        self.resumes = 0
        self.failed_resumes = 0
        self.heartbeats = 0
        self.close_codes_sent: list[int] = []
        self.presence_updates: list[dict[str, Any]] = []
        self._pending_acks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ websocket
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress")
        conn = Connection(ws, request, compress)
        self.connections.append(conn)
        await conn.send(
            {"op": OP_HELLO, "d": {"heartbeat_interval": self._config.heartbeat_interval_ms}}
        )
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_message(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await self._on_message(conn, msg.data.decode())
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            conn.closed = True
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
            self._notify()
        return ws

    async def _on_message(self, conn: Connection, raw: str) -> None:
        try:
            msg = json.loads(raw)
        except ValueError:
            await self._close(conn, 4002, "decode error")
            return
        op = msg.get("op")
        data = msg.get("d")
        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            self._notify()
            self._ack_later(conn)
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif op == OP_PRESENCE:
            self.presence_updates.append(data)
        elif op in (OP_VOICE_STATE, OP_REQUEST_MEMBERS):
            _log.debug("gateway op %s ignored", op)
        else:
            await self._close(conn, 4001, f"unknown opcode {op}")

    def _ack_later(self, conn: Connection) -> None:
        """Send HEARTBEAT_ACK after HEARTBEAT_ACK_DELAY, without holding up the reader."""

        async def ack() -> None:
            await asyncio.sleep(HEARTBEAT_ACK_DELAY)
            await conn.send({"op": OP_HEARTBEAT_ACK})  # a closed connection just skips it

        task = asyncio.get_running_loop().create_task(ack())
        self._pending_acks.add(task)
        task.add_done_callback(self._pending_acks.discard)

    async def _close(self, conn: Connection, code: int, why: str) -> None:
        _log.warning("gateway closing connection with %s: %s", code, why)
        self.close_codes_sent.append(code)
        await conn.close(code)

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, "already authenticated")
            return
        if d.get("token") != self._app.token:
            await self._close(conn, 4004, "authentication failed")
            return
        shard = d.get("shard")
        shard_id, shard_count = (int(shard[0]), int(shard[1])) if shard else (0, 1)
        if not 0 <= shard_id < shard_count:
            await self._close(conn, 4010, "invalid shard")
            return
        ident = Identify(
            intents=d.get("intents"),
            shard=(shard_id, shard_count) if shard else None,
            properties=d.get("properties") or {},
            compress=bool(d.get("compress")),
            large_threshold=d.get("large_threshold"),
            presence=d.get("presence"),
        )
        self.identifies.append(ident)
        session = GatewaySession(
            secrets.token_hex(16), ident, shard_id, shard_count, connection=conn
        )
        conn.session = session
        self.sessions[session.session_id] = session
        guilds = [g for g in self._state.guilds.values() if g.shard_id(shard_count) == shard_id]
        ready: dict[str, Any] = {
            "v": 10,
            "user": self._app.bot.to_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self._base_url().replace("http://", "ws://") + "/resume",
            "application": {"id": str(self._app.id), "flags": self._app.flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "guild_join_requests": [],
            "_trace": ["discord-emulator"],
        }
        if ident.shard is not None:
            ready["shard"] = [shard_id, shard_count]
        async with session.lock:
            await session._dispatch_locked("READY", ready)
            for guild in guilds:
                if guild.outage:
                    await session._dispatch_locked(
                        "GUILD_DELETE", {"id": str(guild.id), "unavailable": True}
                    )
                else:
                    payload = guild.to_payload(self._app.bot.id)
                    await session._dispatch_locked("GUILD_CREATE", payload)
            session.ready = True
        self._notify()

    async def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        session = self.sessions.get(str(d.get("session_id")))
        if d.get("token") != self._app.token or session is None:
            self.failed_resumes += 1
            # Not resumable: the client must IDENTIFY afresh.
            await conn.send({"op": OP_INVALID_SESSION, "d": False})
            self._notify()
            return
        seq = int(d.get("seq") or 0)
        async with session.lock:
            old = session.connection
            if old is not None and old is not conn:
                old.abort()
            session.connection = conn
            conn.session = session
            for s, payload in list(session.buffer):
                if s > seq:
                    await conn.send(payload)
            await session._dispatch_locked("RESUMED", {"_trace": ["discord-emulator"]})
        self.resumes += 1
        self._notify()

    # ------------------------------------------------------------------ server-side control
    def session_for_guild(self, guild_id: int | None) -> GatewaySession | None:
        """Most recent live session whose shard receives ``guild_id`` (DMs: shard 0)."""
        for session in reversed(list(self.sessions.values())):
            shard = 0 if guild_id is None else (guild_id >> 22) % session.shard_count
            if session.shard_id == shard:
                return session
        return None

    async def dispatch(
        self, event: str, data: dict[str, Any], *, guild_id: int | None = None
    ) -> int:
        session = self.session_for_guild(guild_id)
        if session is None:
            raise RuntimeError(
                f"no gateway session receives events for guild {guild_id}; is the bot connected?"
            )
        return await session.dispatch(event, data)

    async def dispatch_all(self, event: str, data: dict[str, Any]) -> None:
        for session in list(self.sessions.values()):
            await session.dispatch(event, data)

    def _live_connections(self) -> list[Connection]:
        return [c for c in self.connections if not c.closed]

    async def disconnect(self, code: int = 4000) -> None:
        """Close every live connection with ``code``; sessions stay resumable."""
        for conn in self._live_connections():
            self.close_codes_sent.append(code)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            await conn.close(code)

    def drop(self) -> None:
        """Abruptly drop every live connection (no close frame: client sees 1006)."""
        for task in self._pending_acks:
            task.cancel()
        for conn in self._live_connections():
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            conn.abort()

    async def send_reconnect(self) -> None:
        for conn in self._live_connections():
            await conn.send({"op": OP_RECONNECT, "d": None})

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        for conn in self._live_connections():
            session = conn.session
            if session is not None and not resumable:
                self.sessions.pop(session.session_id, None)
                session.connection = None
            await conn.send({"op": OP_INVALID_SESSION, "d": resumable})

    async def close_all(self) -> None:
        for conn in self._live_connections():
            await conn.close(1001)
