"""SQLite's parameter marks numbered for PostgreSQL (bot/store/_pg_params.py): the statement each
repository writes once must mean the same on both engines."""

from __future__ import annotations

import pytest

from bot.store._pg_params import numbered


def test_question_marks_are_numbered_in_order() -> None:
    statement = numbered("SELECT a FROM t WHERE b = ? AND c = ? LIMIT ?")
    assert statement.sql == "SELECT a FROM t WHERE b = $1 AND c = $2 LIMIT $3"
    assert statement.arguments(("x", "y", 3)) == ["x", "y", 3]


def test_numbered_marks_keep_their_number_and_a_bare_mark_follows_the_largest() -> None:
    # As SQLite numbers them: a bare ? is one more than the largest number so far.
    statement = numbered("SELECT ?2, ?1, ?2, ?")
    assert statement.sql == "SELECT $2, $1, $2, $3"
    assert statement.arguments(("a", "b", "c")) == ["a", "b", "c"]


def test_named_marks_get_one_number_each_however_often_used() -> None:
    statement = numbered("SELECT * FROM t WHERE (:work IS NULL OR w = :work) AND k = :kind_2")
    assert statement.sql == "SELECT * FROM t WHERE ($1 IS NULL OR w = $1) AND k = $2"
    assert statement.arguments({"kind_2": "k", "work": "w", "unused": 0}) == ["w", "k"]


def test_marks_inside_literals_quoted_names_and_comments_are_left_alone() -> None:
    sql = "SELECT '?', 'it''s :x ?', \"col?:y\" -- ? :z\n/* ? :w */ FROM t WHERE a = ?"
    statement = numbered(sql)
    assert statement.sql == sql[:-1] + "$1"
    assert statement.positional == 1 and statement.names == ()


def test_a_cast_is_not_a_named_parameter() -> None:
    assert numbered("SELECT ?::float4[], x::text").sql == "SELECT $1::float4[], x::text"
    named = numbered("SELECT :n::bigint, '{0, 1}'::float4[]")
    assert named.sql == "SELECT $1::bigint, '{0, 1}'::float4[]" and named.names == ("n",)


def test_statements_without_marks_are_unchanged() -> None:
    statement = numbered("SELECT count(*) FROM quotes")
    assert statement.sql == "SELECT count(*) FROM quotes"
    assert statement.arguments(()) == []


def test_mixing_question_marks_and_names_is_refused() -> None:
    with pytest.raises(ValueError, match="mixes"):
        numbered("SELECT ? WHERE a = :a")


def test_the_wrong_number_of_parameters_is_refused() -> None:
    with pytest.raises(ValueError, match="2 parameters but 1"):
        numbered("SELECT ?, ?").arguments(("only one",))


@pytest.mark.parametrize("sql", ["SELECT 'open", 'SELECT "open', "SELECT 1 /* open"])
def test_an_unterminated_literal_or_comment_is_refused(sql: str) -> None:
    with pytest.raises(ValueError, match="unterminated"):
        numbered(sql)


@pytest.mark.parametrize("sql", ["SELECT ?0", "SELECT ?1, ?3"])
def test_parameter_numbers_with_a_gap_are_refused(sql: str) -> None:
    with pytest.raises(ValueError, match="without gaps"):
        numbered(sql)


def test_named_values_for_question_marks_are_refused() -> None:
    with pytest.raises(ValueError, match="named parameters"):
        numbered("SELECT ?").arguments({"a": 1})
