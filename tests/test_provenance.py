"""Every fact the bot states rests on an excerpt found verbatim in its source."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.seed import DATA_DIR, SEED_PATH, SeedError, load_seed
from bot.store import SeedData

ARTICLE = DATA_DIR / "article" / "we-can-be-heroes-sequel.txt"
SHARED_ARTICLE = Path(__file__).resolve().parents[2] / "shared/article/we-can-be-heroes-sequel.txt"


def _excerpts(node: object, path: str = "") -> list[tuple[str, str]]:
    """Every excerpt-like string in the raw seed file, wherever it sits."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"excerpt", "outlet_excerpt"} and isinstance(value, str):
                found.append((f"{path}.{key}", value))
            found += _excerpts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _excerpts(value, f"{path}[{i}]")
    return found


def test_every_excerpt_is_verbatim_in_the_article() -> None:
    article = ARTICLE.read_text("utf-8")
    raw = tomllib.loads(SEED_PATH.read_text("utf-8"))
    excerpts = _excerpts(raw)
    assert len(excerpts) > 20
    missing = [(where, text) for where, text in excerpts if text not in article]
    assert missing == []


def test_every_quote_is_verbatim_and_inside_its_excerpt(seed: SeedData) -> None:
    article = ARTICLE.read_text("utf-8")
    assert seed.quotes
    for quote in seed.quotes:
        assert quote.text in article
        assert quote.text in quote.excerpt


def test_every_cast_name_in_the_article_is_seeded(seed: SeedData) -> None:
    article = ARTICLE.read_text("utf-8")
    stars = re.search(r"We Can Be Heroes stars (.+?) as some of", article)
    features = re.search(r"It also features (.+?)\.\n", article)
    assert stars and features
    printed = [
        name.strip().removeprefix("and ").strip()
        for group in (stars.group(1), features.group(1))
        for name in group.split(",")
    ]
    assert len(printed) == 23
    seeded = {p.name for p in seed.people} | {a for p in seed.people for a in p.aliases}
    assert [name for name in printed if name not in seeded] == []
    cast = [c for c in seed.credits if c.role == "cast"]
    names = {p.key: p for p in seed.people}
    printed_order = [names[c.person].name for c in sorted(cast, key=lambda c: c.billing or 0)]
    assert printed_order == printed  # the article's names, in its order
    assert [names[c.person].name for c in cast if c.top_billed] == [
        "Pedro Pascal",
        "Christian Slater",
        "Boyd Holdbrook",
    ]


def test_holbrook_is_shown_as_printed_and_found_by_the_usual_spelling(seed: SeedData) -> None:
    boyd = next(p for p in seed.people if p.key == "boyd-holbrook")
    assert boyd.name == "Boyd Holdbrook"  # as the source prints it
    assert "Boyd Holbrook" in boyd.aliases  # the usual spelling, only to find him by
    assert boyd.name in boyd.excerpt


def test_the_copy_in_data_matches_the_shared_article() -> None:
    if not SHARED_ARTICLE.exists():
        pytest.skip("../shared is not beside this checkout")
    assert ARTICLE.read_bytes() == SHARED_ARTICLE.read_bytes()


def test_other_titles_are_named_as_the_article_names_them(seed: SeedData) -> None:
    article = ARTICLE.read_text("utf-8")
    titles = {w.title for w in seed.works if w.title}
    for title in (
        "Spy Kids",
        "The Adventures of Sharkboy and Lava Girl",
        "Star Wars: The Book of Boba Fett",
    ):
        assert title in titles
        assert title in article


def test_unknowns_are_unknown(seed: SeedData) -> None:
    facts = {f.key: f for f in seed.facts}
    for key in ("sequel-title", "sequel-production-start", "sequel-release-date"):
        assert facts[key].value is None
    source = seed.sources[0]
    assert source.published is None and source.url is None
    assert source.outlet == "ComicBook.com"


def test_a_seed_claiming_what_the_article_does_not_say_is_refused(tmp_path: Path) -> None:
    (tmp_path / "article").mkdir()
    (tmp_path / "article" / "a.txt").write_text(ARTICLE.read_text("utf-8"))
    (tmp_path / "seed.toml").write_text(
        '[[sources]]\nkey = "article"\nfile = "article/a.txt"\ntitle = "t"\n'
        '[[facts]]\nkey = "k"\nkind = "x"\nlabel = "l"\nvalue = "v"\n'
        'excerpt = "Rodriguez will direct Spy Kids 5."\n'
    )
    with pytest.raises(SeedError, match="not found verbatim"):
        load_seed(tmp_path / "seed.toml")
