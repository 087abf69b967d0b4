"""/sequel and /sequel-admin: the sequel tracker (status, news timeline, following, posting).

The public face other packages use: update validation (the news CLI), the broadcast that delivers
updates and the news post it sends (the CLI, the sandbox, the benchmarks)."""

from __future__ import annotations

from bot.client import HeroesBot

from ._cog import Sequel
from ._layouts import compose_card_post
from ._modal import PostUpdateModal, RetryView
from ._render import (
    already_posted,
    compose_post,
    follow_card,
    news_pages,
    sequel_card,
    update_card,
    update_summary,
)
from ._service import Broadcaster, DeliveryWorker, ProgressThrottle, RateGate
from ._status import SequelStatus, sequel_status
from ._validate import Checked, check_update, printable, stage_choices
from ._views import (
    NotifyButton,
    notify_view,
    role_permission_problem,
    role_problem,
    toggle_notify,
)

__all__ = [
    "Broadcaster",
    "Checked",
    "DeliveryWorker",
    "NotifyButton",
    "PostUpdateModal",
    "ProgressThrottle",
    "RateGate",
    "RetryView",
    "Sequel",
    "SequelStatus",
    "already_posted",
    "check_update",
    "compose_card_post",
    "compose_post",
    "follow_card",
    "news_pages",
    "notify_view",
    "printable",
    "role_permission_problem",
    "role_problem",
    "sequel_card",
    "sequel_status",
    "setup",
    "stage_choices",
    "toggle_notify",
    "update_card",
    "update_summary",
]


async def setup(bot: HeroesBot) -> None:
    await bot.add_cog(Sequel(bot))
