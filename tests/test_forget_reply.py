"""/trivia forget-me's answer says where each deletion happened, as /about does."""

from __future__ import annotations

from bot.store import STORED_DATA, ForgetReport, Forgotten
from bot.ui.privacy import forget_reply


def _changes() -> tuple[Forgotten, Forgotten]:
    here = next(d for d in STORED_DATA if d.server is not None and d.members)
    anywhere = next(d for d in STORED_DATA if d.server is None and d.members)
    return (
        Forgotten(here, rows=1, member=here.members[0]),
        Forgotten(anywhere, rows=1, member=anywhere.members[0]),
    )


def test_forget_me_reply_does_not_say_a_global_deletion_was_in_this_server() -> None:
    # The author id on news updates is cleared wherever the update is; the reply listed it
    # under "Done, deleted in this server", while /about says "wherever it is".
    local, global_ = _changes()
    text = forget_reply(ForgetReport(1, (local, global_)), everywhere=False)
    in_server, _, elsewhere = text.partition("Deleted wherever it is:")
    assert in_server.startswith("Done, deleted in this server:")
    assert local.member.forgotten in in_server  # type: ignore[union-attr]
    assert global_.member.forgotten not in in_server  # type: ignore[union-attr]
    assert global_.member.forgotten in elsewhere  # type: ignore[union-attr]


def test_forget_me_reply_with_only_a_global_deletion_names_no_server() -> None:
    _, global_ = _changes()
    text = forget_reply(ForgetReport(1, (global_,)), everywhere=False)
    assert text.startswith("Done, deleted wherever it is:")
    assert "in this server" not in text
