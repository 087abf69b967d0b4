"""The sandbox tries /poll: a poll is shown as text with its numbered answers, `vote` votes in
the last poll where you type, and Discord's notice shows when it ends."""

from __future__ import annotations

import io
from pathlib import Path

from bot.config import Config
from bot.sandbox._form import FormField
from bot.sandbox._repl import Repl
from bot.sandbox._session import open_sandbox
from bot.seed import load_seed
from bot.store import open_store

SEND_POLLS = 1 << 49


class NoTyping:
    """A reader for a test that hands the lines to Repl.handle itself."""

    styled = False
    interactive = False
    shows_placeholder = False
    width = 78

    async def line(self, prompt: str) -> str:
        raise EOFError

    async def field(self, prompt: str, form_field: FormField) -> str:
        raise EOFError


async def test_the_sandbox_shows_a_poll_takes_votes_and_shows_its_end(tmp_path: Path) -> None:
    database = tmp_path / "heroes.db"
    async with open_store(database) as store:
        await store.apply_seed(load_seed())
    async with open_sandbox(Config(token=None, database_path=database), keep_data=False) as box:
        role = box.guild.roles[box.guild.members[box.emu.bot_user.id].roles[0]]
        role.permissions |= SEND_POLLS  # a server that lets the bot post polls
        out = io.StringIO()
        repl = Repl(box, NoTyping(), out)
        await repl.show_changes()
        for line in [
            "vote 1",
            "/poll cast answer_1: person:pedro-pascal answer_2: person:sung-kang hours: 1",
            "vote 2",
            "vote two",
            "vote 1 2",
            "/poll end poll: 1",
            "vote 1",
        ]:
            out.write(f"> {line}\n")
            await repl.handle(line)
    text = out.getvalue()
    assert "! no poll here yet: a manager posts one with /poll cast" in text
    assert "📊 Who do you most want back in the sequel?" in text
    assert "(1) Pedro Pascal: 0 votes" in text and "type vote 1" in text
    assert "(2) Sung Kang: 1 vote" in text
    assert "! vote takes answer numbers" in text
    assert "! the poll allows one answer only" in text
    assert "poll ended: final results" in text
    flat = " ".join(text.split())  # the notice is wrapped to the terminal's width
    assert "has ended: most votes, Sung Kang (1 vote) · 1 vote in all" in flat
    assert "! the poll has ended" in text
    assert "Traceback" not in text
