"""At DEBUG, discord.py logs HTTP routes and gateway payloads; no credential may reach a log."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from bot.config import configure_logging
from bot.logging_setup import RedactingFilter
from tests.e2e.harness import assert_clean, world


async def test_interaction_tokens_never_reach_debug_logs(tmp_path: Path) -> None:
    root = logging.getLogger()
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        async with world(tmp_path / "heroes.db") as w:
            # As main() does at start, with the bot token as the known secret.
            configure_logging("DEBUG", secrets=(w.emu.token,))
            handle = await w.emu.slash("cast", user=w.fan)
            await handle.response()
            message = await handle.wait_message()
            button = message.components[0]["components"][3]["custom_id"]
            pressed = await w.emu.press(message, button, user=w.fan)
            await pressed.response()
            tokens = [handle.token, pressed.token, w.emu.token]
            assert_clean(w.emu)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        for each in root.handlers:
            for f in [f for f in each.filters if isinstance(f, RedactingFilter)]:
                each.removeFilter(f)
    text = captured.getvalue()
    # The routes and the payloads were logged (so the check below means something)...
    assert f"/interactions/{handle.id}/[redacted]/callback" in text
    assert "'token': '[redacted]'" in text
    # ...and no token is in any line.
    leaked = [t for t in tokens if t in text]
    assert leaked == []
