"""RenderMemo: a card reused only while it is made from the very same records."""

from __future__ import annotations

import gc
import weakref
from dataclasses import dataclass

from bot.i18n import current_locale, use_locale
from bot.ui.render_memo import RenderMemo


@dataclass(frozen=True)
class Record:
    text: str


def joined(records: list[Record], *, suffix: Record | None = None) -> str:
    return " ".join(r.text for r in records) + (suffix.text if suffix else "")


def test_the_same_records_reuse_the_card_and_equal_new_ones_render_it_again() -> None:
    memo = RenderMemo(joined)
    a, b = Record("a"), Record("b")
    first = memo([a, b])
    assert memo([a, b]) is first  # a new list of the same records: the store's cache hit
    assert memo([Record("a"), b]) == first  # equal but new: the store read again, so rendered
    assert (memo.hits, memo.misses) == (1, 2)


def test_an_entry_keeps_its_records_alive_so_no_id_can_be_reused() -> None:
    memo = RenderMemo(joined)
    records = [Record("a")]
    alive = weakref.ref(records[0])
    memo(records)
    records.clear()  # the caller empties its own list
    gc.collect()
    assert alive() is not None  # its id still names it: no other record can take it
    memo([Record("b")])  # the entry is replaced (size 1)
    gc.collect()
    assert alive() is None


def test_keyword_inputs_are_told_apart_by_name() -> None:
    memo = RenderMemo(lambda **kw: sorted(kw))
    record = Record("x")
    assert memo(left=record) == ["left"]
    assert memo(right=record) == ["right"]


def test_only_the_last_size_states_are_kept() -> None:
    memo = RenderMemo(joined, size=2)
    a, b, c = Record("a"), Record("b"), Record("c")
    memo([a])
    memo([b])
    memo([a])  # a is now the most recent
    memo([c])  # evicts b
    misses = memo.misses
    memo([a])
    assert memo.misses == misses
    memo([b])
    assert memo.misses == misses + 1


def test_a_card_rendered_in_one_language_is_never_served_in_another() -> None:
    def in_locale(records: list[Record]) -> str:
        return f"{current_locale()}: {joined(records)}"

    memo = RenderMemo(in_locale)
    records = [Record("a")]
    english = memo(records)
    with use_locale("pt-BR"):
        portuguese = memo(records)
        assert memo(records) is portuguese  # reused within its language
    assert (english, portuguese) == ("en-US: a", "pt-BR: a")
    assert memo(records) is english  # the other language's render evicted nothing (size 1)
    assert (memo.hits, memo.misses) == (2, 2)
