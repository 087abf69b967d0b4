"""Trivia scores on both engines: atomic under simultaneous answers, one answer each, deletable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import AnswerStatus, ConstraintError, Store

GUILD, OTHER_GUILD, CHANNEL = 10, 20, 30


async def test_many_simultaneous_answers_lose_and_double_nothing(store: Store) -> None:
    trivia = store.trivia
    round_id = await trivia.open_round(GUILD, CHANNEL, "q", correct_option=2)
    assert round_id is not None
    # 60 members, each pressing 3 times at once: only the first press of each counts.
    presses = [
        trivia.record_answer(round_id, user, f"fan {user}", choice=user % 4)
        for user in range(60)
        for _ in range(3)
    ]
    outcomes = await asyncio.gather(*presses)
    recorded = [o for o in outcomes if o.status is AnswerStatus.RECORDED]
    assert len(recorded) == 60
    assert sum(o.status is AnswerStatus.DUPLICATE for o in outcomes) == 120
    answers = await trivia.close_round(round_id)
    assert len(answers) == 60
    right = {a.user_id for a in answers if a.correct}
    assert right == {u for u in range(60) if u % 4 == 2}
    board = await trivia.leaderboard(GUILD, limit=100)
    assert sum(e.points for e in board) == len(right)
    assert sum(e.answered for e in board) == 60
    # Closed: later presses score nothing.
    late = await trivia.record_answer(round_id, 999, "late", 2)
    assert late.status is AnswerStatus.CLOSED
    assert await trivia.standing(GUILD, 999) is None


async def test_points_accumulate_over_rounds_in_parallel_channels(store: Store) -> None:
    trivia = store.trivia
    rounds = [await trivia.open_round(GUILD, CHANNEL + i, f"q{i}", 0) for i in range(5)]
    assert None not in rounds
    await asyncio.gather(
        *(trivia.record_answer(r, 1, "fan", 0) for r in rounds),  # type: ignore[arg-type]
        *(trivia.record_answer(r, 2, "other", 1) for r in rounds),  # type: ignore[arg-type]
    )
    one = await trivia.standing(GUILD, 1)
    two = await trivia.standing(GUILD, 2)
    assert one and one.points == 5 and one.correct == 5 and one.answered == 5 and one.rank == 1
    assert two and two.points == 0 and two.answered == 5 and two.rank == 2


async def test_one_open_question_per_channel_is_enforced_by_the_database(store: Store) -> None:
    trivia = store.trivia
    first = await trivia.open_round(GUILD, CHANNEL, "a", 0)
    assert first is not None
    assert await trivia.open_round(GUILD, CHANNEL, "b", 0) is None
    await trivia.close_round(first)
    assert await trivia.open_round(GUILD, CHANNEL, "b", 0) is not None
    # A second answer is impossible even bypassing the store.
    with pytest.raises(ConstraintError):
        async with store.database.transaction() as tx:
            for _ in range(2):
                await tx.execute(
                    "INSERT INTO trivia_answers (round_id, user_id, choice, correct) "
                    "VALUES (?, 1, 0, 0)",
                    (first,),
                )


async def test_stale_rounds_are_closed_at_start(store: Store) -> None:
    round_id = await store.trivia.open_round(GUILD, CHANNEL, "a", 0)
    assert round_id is not None
    await store.trivia.record_answer(round_id, 1, "fan", 0)
    assert await store.trivia.close_stale_rounds() == 1
    assert await store.trivia.open_round(GUILD, CHANNEL, "b", 0) is not None
    assert (await store.trivia.standing(GUILD, 1)).points == 1  # type: ignore[union-attr]


async def test_a_restarting_process_leaves_another_processs_live_question_open(
    store: Store,
) -> None:
    """Shards share the database: one starting up closes only rounds older than the longest
    question, never the question another process has open right now."""
    start = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    old = await store.trivia.open_round(GUILD, CHANNEL, "old", 0, now=start)
    live = await store.trivia.open_round(GUILD, CHANNEL + 1, "live", 0, now=start.replace(minute=9))
    assert old is not None and live is not None
    now = start.replace(minute=10)
    closed = await store.trivia.close_stale_rounds(
        started_before=now - timedelta(minutes=3), now=now
    )
    assert closed == 1
    answered = await store.trivia.record_answer(live, 1, "fan", 0, now=now)
    assert answered.recorded  # still open: its players' answers count


async def _score(store: Store, guild: int, user: int, name: str, points: int) -> None:
    for i in range(points):
        round_id = await store.trivia.open_round(guild, 1000 + user * 100 + i, "q", 0)
        assert round_id is not None
        await store.trivia.record_answer(round_id, user, name, 0)
        await store.trivia.close_round(round_id)


async def test_leaderboard_top_ten_ranks_and_own_rank(store: Store) -> None:
    for user in range(1, 13):
        await _score(store, GUILD, user, f"fan {user}", points=user)
    await _score(store, OTHER_GUILD, 99, "elsewhere", points=20)
    await _score(store, GUILD, 13, "tied", points=12)
    top = await store.trivia.leaderboard(GUILD, 10)
    assert len(top) == 10
    assert [e.rank for e in top[:3]] == [1, 1, 3]  # 12 points twice share first place
    assert {top[0].display_name, top[1].display_name} == {"fan 12", "tied"}
    assert all(e.display_name != "elsewhere" for e in top)  # scores are per server
    low = await store.trivia.standing(GUILD, 1)
    assert low is not None and low.rank == 13 and low.points == 1
    assert await store.trivia.player_count(GUILD) == 13


async def test_the_name_shown_is_the_latest_one(store: Store) -> None:
    await _score(store, GUILD, 5, "old name", 1)
    await _score(store, GUILD, 5, "new name", 1)
    entry = await store.trivia.standing(GUILD, 5)
    assert entry and entry.display_name == "new name" and entry.points == 2


async def test_forget_member_deletes_only_that_member_in_that_server(store: Store) -> None:
    await _score(store, GUILD, 1, "me", 3)
    await _score(store, OTHER_GUILD, 1, "me", 2)
    await _score(store, GUILD, 2, "you", 1)
    open_round = await store.trivia.open_round(GUILD, CHANNEL, "q", 0)
    await store.trivia.record_answer(open_round, 1, "me", 1)  # type: ignore[arg-type]
    report = await store.lifecycle.forget_member(1, GUILD)
    assert {(c.datum.table, c.rows) for c in report.changes} == {
        ("trivia_scores", 1),
        ("trivia_answers", 1),
    }
    assert await store.trivia.standing(GUILD, 1) is None
    assert (await store.trivia.standing(OTHER_GUILD, 1)).points == 2  # type: ignore[union-attr]
    assert (await store.trivia.standing(GUILD, 2)).points == 1  # type: ignore[union-attr]
    assert (await store.lifecycle.forget_member(1, GUILD)).changes == ()


async def test_forget_guild_and_settings(store: Store) -> None:
    assert (await store.settings.get(GUILD)).private_replies is False
    updated = await store.settings.set_private_replies(GUILD, True)
    assert updated.private_replies and updated.updated_at
    await _score(store, GUILD, 1, "me", 1)
    await _score(store, OTHER_GUILD, 1, "me", 1)
    report = await store.lifecycle.forget_guild(GUILD)
    assert {(c.datum.table, c.rows) for c in report.changes} == {
        ("trivia_scores", 1),
        ("trivia_rounds", 1),
        ("guild_settings", 1),
    }
    assert await store.trivia.leaderboard(GUILD) == []
    assert (await store.settings.get(GUILD)).private_replies is False
    assert await store.trivia.leaderboard(OTHER_GUILD)


async def test_answers_racing_the_close_are_either_revealed_or_refused(store: Store) -> None:
    """An answer that scored is in the reveal: none lands between the reveal and the close."""
    trivia = store.trivia
    round_id = await trivia.open_round(GUILD, CHANNEL, "q", correct_option=0)
    assert round_id is not None
    presses = [trivia.record_answer(round_id, user, f"fan {user}", 0) for user in range(40)]
    *outcomes, revealed = await asyncio.gather(*presses[:20], trivia.close_round(round_id))
    outcomes += await asyncio.gather(*presses[20:])
    scored = {user for user, o in enumerate(outcomes) if o.status is AnswerStatus.RECORDED}
    assert {answer.user_id for answer in revealed} == scored
    assert sum(e.points for e in await trivia.leaderboard(GUILD, 100)) == len(scored)
    assert all(o.status is AnswerStatus.CLOSED for o in outcomes[20:])


async def test_times_are_written_from_the_given_clock_in_sqlites_format(store: Store) -> None:
    """The text SQLite's strftime('%Y-%m-%dT%H:%M:%fZ', 'now') wrote, so old rows compare."""
    now = datetime(2026, 5, 1, 12, 0, 7, 123_456, tzinfo=UTC)
    stamp = "2026-05-01T12:00:07.123Z"
    settings = await store.settings.set_private_replies(GUILD, True, now=now)
    assert settings.updated_at == stamp
    round_id = await store.trivia.open_round(GUILD, CHANNEL, "q", 0, now=now)
    assert round_id is not None
    await store.trivia.record_answer(round_id, 1, "fan", 0, now=now)
    answered = await store.database.all("SELECT answered_at FROM trivia_answers")
    await store.trivia.close_round(round_id, now=now)
    round_row = await store.database.one(
        "SELECT started_at, closed_at FROM trivia_rounds WHERE id = ?", (round_id,)
    )
    score = await store.database.one("SELECT updated_at FROM trivia_scores")
    assert [row[0] for row in answered] == [stamp]
    assert tuple(round_row) == (stamp, stamp) and tuple(score) == (stamp,)  # type: ignore[arg-type]
    later = await store.trivia.open_round(GUILD, CHANNEL, "q2", 0, now=now)
    assert await store.trivia.close_stale_rounds(now=now) == 1
    closed = await store.database.one("SELECT closed_at FROM trivia_rounds WHERE id = ?", (later,))
    assert tuple(closed) == (stamp,)  # type: ignore[arg-type]
