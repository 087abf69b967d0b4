"""Trivia questions generated from the store's records (see _questions)."""

from ._questions import (
    LETTERS,
    OPTIONS,
    Material,
    Question,
    generate_questions,
    load_material,
    pick_question,
    split_quote,
    work_name,
)

__all__ = [
    "LETTERS",
    "OPTIONS",
    "Material",
    "Question",
    "generate_questions",
    "load_material",
    "pick_question",
    "split_quote",
    "work_name",
]
