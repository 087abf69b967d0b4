"""Policy is declared (bot/policy.py) and enforced by the tree, never written again in a cog.

Before, "needs a server" was handled four ways, the owner check was written twice with its own
wording, and each cog charged its cooldown by hand after deciding privacy itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.policy import NOT_OWNER, NotOwner
from bot.tree import describe_error

ROOT = Path(__file__).resolve().parent.parent


def _dotted(node: ast.AST) -> str:
    """`a.b.c` for a name or attribute chain, else ''."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def hand_written_policy(source: str) -> list[str]:
    """What a cog does by hand that a declaration in bot/policy.py does for it."""
    found = []
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and ast.get_docstring(node) is not None
    }
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and _dotted(node) == "app_commands.guild_only":
            found.append(f"{line}: app_commands.guild_only (use bot.policy.guild_only)")
        elif _dotted(node).endswith("NoPrivateMessage"):
            found.append(f"{line}: raises NoPrivateMessage (use bot.policy.in_guild)")
        elif isinstance(node, ast.Call) and _dotted(node.func).endswith(".hit"):
            found.append(f"{line}: charges a cooldown by hand (use ReplyPolicy)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "OWNER_IDS" in node.value
            and id(node) not in docstrings
        ):
            found.append(f"{line}: its own owner wording (use bot.policy.NOT_OWNER)")
    return found


def test_cogs_declare_policy_instead_of_writing_it_by_hand() -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{problem}"
        for path in sorted((ROOT / "cogs").rglob("*.py"))
        for problem in hand_written_policy(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_owner_refusal_is_answered_by_the_tree_in_one_wording() -> None:
    assert describe_error(NotOwner()) == NOT_OWNER
