"""Which interaction the running task is answering: for its log lines and its metrics.

Set once per interaction, where the bot first sees it (`HeroesTree.interaction_check` for
commands and autocompletes, `LoggedView.interaction_check` for buttons and selects), in a
ContextVar: discord.py answers each interaction in a task of its own, so the value belongs to
that task (and to tasks it starts) and concurrent interactions never see each other's. Every
log line emitted meanwhile carries the guild, the command and the interaction id in JSON logs
(bot/logging_setup.py) without any call site passing `extra=`.

The outcome (ok unless a handler notes otherwise) is counted when the task ends, by the bot's
metrics when they are on (bot/metrics/): `interaction.client.metrics`, duck-typed, so nothing
here imports prometheus_client.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

import discord

OK = "ok"
REFUSED = "refused"  # the member was told no (a refusal, a cooldown, someone else's buttons)
ERROR = "error"  # the bot failed (a crash, the database out of reach)
RESTARTING = "restarting"  # refused because the bot is stopping


class InteractionScope:
    """One interaction being answered: its ids, whether it is counted, and its outcome.

    It holds the interaction itself only until the task answering it ends, or until a log line
    or metric asks for its label, whichever comes first: this scope lives on in the context of
    every task and timer started meanwhile (a view's timeout, for minutes), and the interaction
    would live on with it (its payload, message and member: about 2 MB at 200 in flight)."""

    __slots__ = ("_interaction", "_label", "counted", "guild_id", "interaction_id", "outcome")

    def __init__(self, interaction: discord.Interaction, *, counted: bool) -> None:
        self.interaction_id: int = interaction.id
        self.guild_id: int | None = interaction.guild_id
        # Autocompletes are suggestions while typing, not answers: logged with the context, not
        # counted among interactions.
        self.counted = counted
        self.outcome = OK
        self._interaction: discord.Interaction | None = interaction
        self._label: str | None = None

    def __repr__(self) -> str:
        return f"InteractionScope({self.interaction_id}, outcome={self.outcome!r})"

    @property
    def command(self) -> str:
        """A bounded label, never the member's input: the command's qualified name, or the kind
        of component ("button", "select", "modal"). Worked out only when a log line or a metric
        asks, or once the interaction is answered (then discord.py has resolved the command):
        reading `interaction.command` earlier resolves it through the tree once more."""
        if self._label is None:
            self._label = interaction_label(self._interaction) if self._interaction else "unknown"
            self._interaction = None
        return self._label

    def answered(self, _task: object = None) -> None:
        """The task answering the interaction ended: keep its label, let the interaction go."""
        self.command  # noqa: B018 (worked out now, while the interaction is still held)


_current: ContextVar[InteractionScope | None] = ContextVar("heroes_interaction", default=None)


def interaction_label(interaction: discord.Interaction) -> str:
    if interaction.type is discord.InteractionType.component:
        data = interaction.data if isinstance(interaction.data, dict) else {}
        return "button" if data.get("component_type") == 2 else "select"
    if interaction.type is discord.InteractionType.modal_submit:
        return "modal"
    command = interaction.command
    return command.qualified_name if command is not None else "unknown"


def enter_interaction(interaction: discord.Interaction) -> InteractionScope:
    """Note that the current task answers `interaction` (again: the same scope)."""
    scope = _current.get()
    if scope is not None and scope.interaction_id == interaction.id:
        return scope
    scope = InteractionScope(
        interaction, counted=interaction.type is not discord.InteractionType.autocomplete
    )
    _current.set(scope)
    task = asyncio.current_task()
    if task is not None:
        task.add_done_callback(scope.answered)
    metrics = getattr(interaction.client, "metrics", None)
    if metrics is not None:
        metrics.watch(interaction, scope)
    return scope


def current_interaction() -> InteractionScope | None:
    return _current.get()


def note_outcome(outcome: str) -> None:
    """How the interaction being answered ended, if not ok (a refusal, an error)."""
    scope = _current.get()
    if scope is not None:
        scope.outcome = outcome


def log_fields() -> dict[str, int | str]:
    """guild, command and interaction for a log line (empty outside any interaction)."""
    scope = _current.get()
    if scope is None:
        return {}
    fields: dict[str, int | str] = {
        "command": scope.command,
        "interaction": scope.interaction_id,
    }
    if scope.guild_id is not None:
        fields["guild"] = scope.guild_id
    return fields
