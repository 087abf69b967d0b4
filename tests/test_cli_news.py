"""`heroes-bot news ...`: validation of hostile input, imports, and watching delivery."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import _parser
from bot.cli_news import DELIVERY_SEEN_WITHIN, delivery_is_running, dispatch, wait_for_delivery
from bot.clock import SystemClock
from bot.seed import SeedData
from bot.store import NewUpdate, Store
from cogs.sequel import Broadcaster, DeliveryWorker, compose_post
from tests.tracker_fakes import FakeClock, FakePoster


def parse(*argv: str) -> argparse.Namespace:
    return _parser().parse_args(["news", *argv])


async def news(store: Store, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    clock = FakeClock()
    code = await dispatch(
        parse(*argv),
        store,
        out=out,
        err=err,
        clock=clock,
    )
    return code, out.getvalue(), err.getvalue()


async def test_add_an_update_and_queue_it(store: Store) -> None:
    await store.tracker.follow(1, 11, None)
    code, out, _ = await news(
        store,
        "add",
        "--headline",
        "Filming begins",
        "--text",
        "Cameras roll.",
        "--source",
        "https://variety.com/x",
        "--stage",
        "Filming",
        "--date",
        "2025-01-09",
    )
    assert code == 0 and "added update #2" in out and "queued for 1" in out
    update = await store.tracker.latest_update()
    assert update and (update.stage, update.source_outlet, update.published_at) == (
        "filming",
        "variety.com",
        "2025-01-09",
    )
    code, out, _ = await news(store, "list")
    assert "#2 2025-01-09 Filming begins [→ Filming]" in out and "0/1 done" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--headline", "", "--text", ""], ["Headline: required", "Text: required"]),
        (["--headline", "h" * 300, "--text", "x"], ["300 characters; at most 256"]),
        (["--headline", "x", "--text", "y" * 6000], ["6000 characters; at most 4000"]),
        (["--headline", "x", "--text", "y", "--source", "javascript:alert(1)"], ["https://"]),
        (["--headline", "x", "--text", "y", "--source", "ftp://a.b/c"], ["https://"]),
        (["--headline", "x", "--text", "y", "--stage", "rumoured"], ["not a stage"]),
        (["--headline", "x", "--text", "y", "--date", "2099-01-01"], ["future"]),
        (["--headline", "x", "--text", "y", "--date", "yesterday"], ["YYYY-MM-DD"]),
        (["--headline", "x\u202e", "--text", "y"], ["control characters"]),
    ],
)
async def test_hostile_cli_input_is_refused(
    store: Store, argv: list[str], expected: list[str]
) -> None:
    code, _, err = await news(store, "add", *argv)
    assert code == 1 and "Nothing was added" in err
    for text in expected:
        assert text in err, (text, err)
    assert await store.tracker.count_updates() == 1


async def test_markdown_and_mentions_are_kept_as_text(store: Store) -> None:
    code, _, _ = await news(store, "add", "--headline", "@everyone **news**", "--text", "<@&1>")
    assert code == 0
    update = await store.tracker.latest_update()
    assert update and update.headline == "@everyone **news**"


async def test_import_toml_and_json_all_or_nothing_and_idempotent(
    store: Store, tmp_path: Path
) -> None:
    toml = tmp_path / "news.toml"
    toml.write_text(
        """
[[updates]]
key = "pre-production"
headline = "Pre-production starts"
text = "Casting calls went out."
stage = "pre-production"
date = "2025-01-02"

[[updates]]
headline = "Filming begins"
text = "Cameras roll."
source = "https://variety.com/x"
outlet = "Variety"
stage = "filming"
date = "2025-01-05"
""",
        "utf-8",
    )
    code, out, _ = await news(store, "import", str(toml), "--no-post")
    assert code == 0 and out.count("added update") == 2
    code, out, _ = await news(store, "import", str(toml))
    assert code == 0 and out.count("skipped") == 2 and "Nothing new" in out
    assert (await store.tracker.stage_history())[0].stage == "filming"

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {"headline": "Fine", "text": "ok"},
                {"headline": "", "text": "x", "source": "javascript:x", "colour": "red"},
            ]
        ),
        "utf-8",
    )
    code, _, err = await news(store, "import", str(bad))
    assert code == 1 and "bad.json update 2" in err and "Unknown field(s): colour" in err
    assert await store.tracker.count_updates() == 3  # nothing from the bad file

    for content, message in (("not json", "not valid JSON"), ("[]", "holds no updates")):
        bad.write_text(content, "utf-8")
        code, _, err = await news(store, "import", str(bad))
        assert code == 1 and message in err
    code, _, err = await news(store, "import", str(tmp_path / "missing.toml"))
    assert code == 1 and "cannot read" in err


async def test_wait_shows_progress_until_the_bot_delivered(store: Store) -> None:
    for guild_id in range(1, 4):
        await store.tracker.follow(guild_id, 10 + guild_id, None)
    update, _ = await store.tracker.add_update(NewUpdate("Hi", "there"))
    broadcaster = Broadcaster(
        store.tracker, FakePoster(), compose_post, clock=SystemClock(), per_second=None
    )
    out = io.StringIO()
    polls = 0

    class Delivering(FakeClock):
        async def sleep(self, seconds: float) -> None:  # the "running bot" delivers meanwhile
            nonlocal polls
            polls += 1
            self.advance(seconds=seconds)
            if polls == 2:
                await broadcaster.run_pass()

    code = await wait_for_delivery(store, [update.id], out=out, clock=Delivering())
    lines = out.getvalue().splitlines()
    assert code == 0 and lines[0].startswith("[....") and "0/3" in lines[0]
    assert "[######" in lines[-2] and "3/3 · 3 sent" in lines[-2] and lines[-1] == "delivered."


async def test_wait_with_no_bot_running_says_so_instead_of_contradicting_itself(
    store: Store,
) -> None:
    await store.tracker.follow(1, 11, None)
    code, out, _ = await news(
        store, "add", "--headline", "a", "--text", "b", "--wait", "--timeout", "120"
    )
    assert code == 3 and "No bot is delivering from this database" in out
    assert "the running bot keeps delivering" not in out and "[...." not in out


async def test_wait_gives_up_when_a_running_bot_stalls(store: Store) -> None:
    await store.tracker.follow(1, 11, None)
    await store.tracker.record_delivery_pass(now=FakeClock()())  # a bot ran a pass just now
    code, out, _ = await news(
        store, "add", "--headline", "a", "--text", "b", "--wait", "--timeout", "120"
    )
    assert code == 3 and "nothing has moved for 90 seconds" in out
    assert "stopped waiting (--timeout)" in out and "stays queued" in out


def test_seed_adds_the_article_as_the_first_update_once(seed: SeedData) -> None:
    (update,) = seed.updates
    assert update.headline == "We Can Be Heroes Sequel in Development at Netflix"
    assert update.stage == "in-development" and update.published is None


async def test_seeding_twice_keeps_one_timeline_entry(store: Store, seed: SeedData) -> None:
    report = await store.apply_seed(seed)
    assert report.added == 0
    (first,) = await store.tracker.timeline()
    assert (first.published_at, first.origin, first.source_outlet) == (
        None,
        "seed",
        "ComicBook.com",
    )
    assert (await store.tracker.stage_history())[0].stage == "in-development"
    assert (await store.tracker.delivery_counts(first.id)).total == 0  # never posted


async def test_a_delivery_pass_tells_news_wait_that_a_bot_is_running(store: Store) -> None:
    broadcaster = Broadcaster(
        store.tracker, FakePoster(), compose_post, clock=SystemClock(), per_second=None
    )
    now = datetime.now(UTC)
    assert not await delivery_is_running(store, now)
    await DeliveryWorker(broadcaster).run_once()
    assert await delivery_is_running(store, now)
    assert not await delivery_is_running(store, now + DELIVERY_SEEN_WITHIN * 2)
