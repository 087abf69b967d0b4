"""Embeds of the sequel tracker: the sequel's card, the stage progress line, an update, the news
timeline, a news post, and the state of a server's follow. Every embed is built with
EmbedBuilder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.i18n import (
    N_,
    _,
    format_list,
    format_number,
    ngettext,
)
from bot.replies import escape_input
from bot.store import (
    SEQUEL_STAGES,
    STAGE_LABELS,
    Delivery,
    DeliveryCounts,
    Fact,
    Follow,
    SequelUpdate,
    Source,
    WorkCard,
)
from bot.ui.embeds import EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block, role_label, source_line, unknown
from bot.ui.links import literal, plain, source_text
from bot.ui.moments import stored_day
from bot.ui.posting import OutgoingPost

from ._status import SequelStatus, sequel_status
from ._views import notify_view

TRACKER_COLOUR = 0x3D8BE8
NEWS_PAGE_SIZE = 4
DONE, NOW, LATER, SKIPPED = "✅", "📍", "⬜", "➖"
# The seed's field names for the sequel's facts (bot/seed.py LABELS: the bot's words, not the
# source's), by fact kind, shown in the reader's language. A label stored differently (edited in
# the store, or a source's own words) is shown as stored.
FACT_FIELD_NAMES = {
    # Translators: field names on the sequel's card (its title, when filming starts, its
    # release date, why it is made); the value or "not in the sources" follows each.
    "title": N_("Title"),
    "production-start": N_("Production start"),
    "release-date": N_("Release date"),
    "reason": N_("Why a sequel"),
}


def stage_name(key: str | None) -> str:
    """A stage's label in the current language (a key the bot does not know: as stored)."""
    if key is None:
        # Translators: the sequel's production stage, when no source gives it.
        return _("Unknown")
    label = STAGE_LABELS.get(key)
    return _(label) if label is not None else key


def day_text(iso_day: str | None) -> str:
    """A stored day as the reader writes dates (bot/ui/moments.stored_day), or "date unknown"."""
    if not iso_day:
        return _("date unknown")
    return stored_day(iso_day)


def already_posted(duplicate: SequelUpdate) -> str:
    """The refusal of an update the timeline already holds (/sequel-admin post, a feed item)."""
    return _(
        "Already in the timeline as update #{number} ({date}): “{headline}”. Nothing "
        "was posted again."
    ).format(
        number=duplicate.id,
        date=day_text(duplicate.published_at),
        headline=escape_input(duplicate.headline, 120),
    )


def stage_bar(stage: str | None) -> str:
    """'▰▰▱▱▱▱▱ stage 2 of 7'."""
    keys = [key for key, _label in SEQUEL_STAGES]
    if stage not in keys:
        # Translators: after a bar of the sequel's production stages.
        return "▱" * len(keys) + " " + _("stage unknown")
    done = keys.index(stage) + 1
    # Translators: after a bar of the sequel's production stages: "stage 2 of 7".
    where = _("stage {number} of {count}").format(
        number=format_number(done), count=format_number(len(keys))
    )
    return "▰" * done + "▱" * (len(keys) - done) + " " + where


def stage_progress(stage: str | None, reached: Mapping[str, SequelUpdate] | None = None) -> str:
    """Every stage on its own line: those an update reached ticked, the current one marked.

    A stage before the current one that no stored update reached is not ticked: nothing in the
    sources says it happened (the article reports no announcement, for one).
    """
    reached = reached or {}
    keys = [key for key, _label in SEQUEL_STAGES]
    current = keys.index(stage) if stage in keys else -1
    lines = [stage_bar(stage)]
    for index, key in enumerate(keys):
        lines.append(_stage_line(key, index - current, reached.get(key)))
    return "\n".join(lines)


def _stage_line(key: str, offset: int, update: SequelUpdate | None) -> str:
    """One stage of the progress: before (offset < 0), at (0) or after the current one."""
    label = stage_name(key)
    if offset > 0:
        return f"{LATER} {label}"
    if offset == 0:
        # Translators: the sequel's current production stage in its progress list.
        return NOW + " " + _("**{stage}** ← now").format(stage=label)
    if update is None:
        return SKIPPED + " " + _("{stage} — not in the sources").format(stage=label)
    # Translators: a stage the sequel reached, and the tracker update that reported it.
    text = _("{stage} — update #{number}, {date}").format(
        stage=label, number=update.id, date=day_text(update.published_at)
    )
    return f"{DONE} {text}"


def update_summary(update: SequelUpdate, limit: int = 300) -> str:
    """A few lines on one update: its text shortened, the stage it moves to, its source."""
    lines = [literal(shorten(" ".join(update.text.split()), limit))]
    if update.stage:
        lines.append(_("Stage → **{stage}**").format(stage=stage_name(update.stage)))
    source = source_text(update.source_outlet, update.source_url)
    lines.append(_("Source: {source}").format(source=source))
    return "\n".join(lines)


def update_card(update: SequelUpdate) -> discord.Embed:
    """The message posted to following channels (and shown after /sequel-admin post). The
    headline is the reporter's, not the bot's: the post says who reported it, above the text.
    The text is shown as written (Markdown escaped): a feed's words can hold no masked link and
    no line that looks like the bot's own."""
    description = literal(update.text)
    if update.source_outlet:
        # Translators: above a news post's text: who reported the headline ({outlet} as stored);
        # the colon is yours to space (French: "Selon {outlet} :").
        credit = _("Reported by {outlet}:").format(outlet=plain(update.source_outlet))
        description = f"*{credit}*\n{description}"
    builder = EmbedBuilder(update.headline, description=description, colour=TRACKER_COLOUR)
    # No embed.url: a linked title would be a masked link whose text (the headline) is not the
    # address; the address is shown as itself in the Source field.
    if update.stage:
        builder.field(_("Stage"), f"→ **{stage_name(update.stage)}**\n{stage_bar(update.stage)}")
    builder.field(_("Date"), day_text(update.published_at), inline=True)
    source = source_text(update.source_outlet, update.source_url)
    builder.field(_("Source"), source, inline=True)
    # Translators: /sequel news is a command: write it as the command list shows it.
    footer = _("We Can Be Heroes sequel tracker · update #{number} · /sequel news")
    builder.footer(footer.format(number=update.id))
    return builder.build()


def news_pages(updates: Sequence[SequelUpdate], *, total: int | None = None) -> list[discord.Embed]:
    """The timeline, newest first, NEWS_PAGE_SIZE updates a page."""
    title = _("We Can Be Heroes sequel — news")
    if not updates:
        return [EmbedBuilder(title, description=_("No news yet."), colour=TRACKER_COLOUR).build()]
    count = total if total is not None else len(updates)
    pages: list[discord.Embed] = []
    page_count = (len(updates) + NEWS_PAGE_SIZE - 1) // NEWS_PAGE_SIZE
    for number, start in enumerate(range(0, len(updates), NEWS_PAGE_SIZE), 1):
        builder = EmbedBuilder(title, colour=TRACKER_COLOUR)
        builder.reserve_footer(120)
        for update in updates[start : start + NEWS_PAGE_SIZE]:
            # Escaped: a V2 card shows this line as Markdown (a feed's masked link).
            name = f"{day_text(update.published_at)} · {literal(update.headline)}"
            builder.field(name, update_summary(update))
        builder.reserve_footer(0)
        builder.footer(_news_footer(number, page_count, count))
        pages.append(builder.build())
    return pages


def _news_footer(page: int, pages: int, count: int) -> str:
    footer = ngettext(
        "Page {page}/{pages} · {count} update, newest first",
        "Page {page}/{pages} · {count} updates, newest first",
        count,
    )
    return footer.format(
        page=format_number(page), pages=format_number(pages), count=format_number(count)
    )


def role_mention_text(follow: Follow) -> str:
    """Which role news posts ping, and if a role is set but not pinged, why and how to fix it."""
    if follow.role_id is None:
        # Translators: the role mentioned by news posts: none.
        return _("none")
    role = f"<@&{follow.role_id}>"
    if follow.mention_role:
        return _("{role} (members can opt in with the Notify me button)").format(role=role)
    if follow.followed_by:
        text = _(
            "{role}, **not pinged**: posts go out without the mention, because the bot pings a "
            "role only if the member who chose it could: when /sequel-admin follow was run, the "
            "role wasn't mentionable and {member} didn't have Mention Everyone in the channel "
            "(or the follow predates this check). Turn on “Allow anyone to @mention this role” "
            "in the role's settings, or have a member with Mention Everyone run /sequel-admin "
            "follow again."
        )
        return text.format(role=role, member=f"<@{follow.followed_by}>")
    text = _(
        "{role}, **not pinged**: posts go out without the mention, because the bot pings a "
        "role only if the member who chose it could: when /sequel-admin follow was run, the "
        "role wasn't mentionable and whoever ran it didn't have Mention Everyone in the channel "
        "(or the follow predates this check). Turn on “Allow anyone to @mention this role” "
        "in the role's settings, or have a member with Mention Everyone run /sequel-admin "
        "follow again."
    )
    return text.format(role=role)


def follow_card(follow: Follow | None, *, pending_note: str | None = None) -> discord.Embed:
    """What /sequel-admin following shows a server's managers."""
    title = _("Sequel news in this server")
    if follow is None:
        return EmbedBuilder(
            title,
            description=_(
                "This server does not follow the sequel news. "
                "Start with /sequel-admin follow channel: #news."
            ),
            colour=TRACKER_COLOUR,
        ).build()
    builder = EmbedBuilder(title, description=_follow_state(follow), colour=TRACKER_COLOUR)
    builder.field(_("Channel"), f"<#{follow.channel_id}>", inline=True)
    builder.field(_("Role mentioned"), role_mention_text(follow), inline=True)
    builder.field(_("Since"), day_text(follow.followed_at[:10]), inline=True)
    if follow.last_delivered_at:
        delivered = follow.last_delivered_at[:16].replace("T", " ")
        builder.field(_("Last delivered"), f"{delivered} UTC", inline=True)
    if follow.last_error and follow.active:
        name = ngettext(
            "Last failure ({count} in a row)",
            "Last failure ({count} in a row)",
            follow.failure_count,
        ).format(count=format_number(follow.failure_count))
        # The failure itself is stored (in English) when it happens, and shown as stored.
        stops = _("After 3 in a row the bot stops posting here.")
        builder.field(name, f"{follow.last_error}\n{stops}")
    if pending_note:
        builder.field(_("Waiting"), pending_note)
    return builder.build()


def _follow_state(follow: Follow) -> str:
    if follow.active:
        return _("New updates are posted in {channel}.").format(channel=f"<#{follow.channel_id}>")
    # The reason is stored when the follow is dropped, and shown as stored.
    return _(
        "**Not following any more.** {reason}\nFix the channel, then run /sequel-admin follow "
        "again."
    ).format(reason=follow.unfollowed_reason or "")


def progress_text(update: SequelUpdate, counts: DeliveryCounts) -> str:
    """The ephemeral progress line of a broadcast, edited as it goes."""
    if counts.total == 0:
        return _(
            "Update #{number} added. No server follows the news yet, so nothing to post."
        ).format(number=update.id)
    if counts.done:
        text = _("Delivered update #{number} “{headline}”: {progress}.")
    else:
        text = _("Delivering update #{number} “{headline}”: {progress}.")
    return text.format(
        number=update.id, headline=shorten(update.headline, 80), progress=counts_text(counts)
    )


def counts_text(counts: DeliveryCounts) -> str:
    """'3/5 done · 3 sent · 1 failed': DeliveryCounts.summary() in the reader's language."""
    # Translators: deliveries of one news update to the following servers: "3/5 done".
    done = _("{finished}/{total} done").format(
        finished=format_number(counts.finished), total=format_number(counts.total)
    )
    # The sent count always; the others only when there are some.
    counted = [
        (counts.sent, ngettext("{count} sent", "{count} sent", counts.sent)),
        (counts.failed, ngettext("{count} failed", "{count} failed", counts.failed)),
        (counts.uncertain, ngettext("{count} uncertain", "{count} uncertain", counts.uncertain)),
        (counts.skipped, ngettext("{count} skipped", "{count} skipped", counts.skipped)),
        (counts.sending, ngettext("{count} in flight", "{count} in flight", counts.sending)),
    ]
    parts = [done, counted[0][1].format(count=format_number(counts.sent))]
    parts += [text.format(count=format_number(value)) for value, text in counted[1:] if value]
    return " · ".join(parts)


def fact_field_name(fact: Fact) -> str:
    """A fact's field name on the card: the seed's field name of its kind in the reader's
    language, any other label as stored."""
    field_name = FACT_FIELD_NAMES.get(fact.kind)
    return _(field_name) if field_name is not None and fact.label == field_name else fact.label


def _fact_value(fact: Fact) -> str:
    return fact.value if fact.known else unknown()


def sequel_card(
    sequel: WorkCard,
    film_facts: Sequence[Fact],
    *,
    history: Sequence[SequelUpdate] = (),
    latest: SequelUpdate | None = None,
) -> discord.Embed:
    """The sequel's card, read against the tracker's `history` (stage-setting updates, newest
    first). Once the stage moves on, the seed's facts are shown superseded, never as current."""
    work = sequel.work
    status = sequel_status(sequel, history)
    moved = status.moved_on and status.stage_update is not None
    if moved and status.stage_update is not None:
        description = f"**{stage_name(status.stage)}** — {_update_ref(status.stage_update)}"
    else:
        description = work.summary or ""
    builder = EmbedBuilder(
        _("We Can Be Heroes — the sequel"), description=description, colour=0x3D8BE8
    )
    builder.field(_("Studio"), work.studio or unknown(), inline=True)
    stage_text = stage_name(status.stage) if status.stage else work.status or unknown()
    builder.field(_("Stage"), stage_text, inline=True)
    for role in ("writer", "director", "producer"):
        people = sequel.people_with_role(role)
        names = format_list(people) if people else unknown()
        builder.field(role_label(role), names, inline=True)
    superseded = _fact_fields(builder, status)
    # Each under its own record's label: the article gives the hit as the occasion for the
    # sequel, but never gives THR's viewing figure as a reason, so the two are not merged.
    for fact in sequel.facts_of("reason"):
        if fact.value:
            builder.field(fact_field_name(fact), fact.value)
    for fact in film_facts:
        if fact.kind == "viewership" and fact.value:
            builder.field(fact.label, fact.value)
    if status.stage:
        builder.field(_("Progress"), stage_progress(status.stage, status.reached))
    if latest is not None:
        name = _("Latest update — {date}").format(date=day_text(latest.published_at))
        builder.field(name, update_summary(latest, limit=400))
    if moved:
        _superseded_field(builder, sequel, status, superseded)
    builder.field(_("From the article"), excerpt_block(work.excerpt))
    builder.footer(source_line(work.source))
    return builder.build()


def _fact_fields(builder: EmbedBuilder, status: SequelStatus) -> list[str]:
    """A field for each fact the timeline may answer; returns the answered ones' old values."""
    superseded: list[str] = []
    for state in status.facts:
        fact = state.fact
        name = fact_field_name(fact)
        if state.answered_by is not None:
            builder.field(name, _update_ref(state.answered_by), inline=True)
            superseded.append(f"~~{name}: {_fact_value(fact)}~~")
        else:
            builder.field(name, _fact_value(fact), inline=True)
    return superseded


def _superseded_field(
    builder: EmbedBuilder, sequel: WorkCard, status: SequelStatus, superseded: list[str]
) -> None:
    """The seed's facts the timeline has moved past, struck through, with their date."""
    work = sequel.work
    old_stage = work.status or stage_name(status.baseline_stage)
    lines = ["~~" + _("Stage: {stage}").format(stage=old_stage) + "~~"]
    if work.summary:
        lines.append(f"~~{work.summary}~~")
    lines += superseded
    name = _("Superseded — as of {source}").format(source=_source_date(work.source))
    builder.field(name, "\n".join(lines))


def _update_ref(update: SequelUpdate) -> str:
    """'update #3 “Filming begins”, 2025-06-01': a pointer to a stored record, not a claim."""
    # Translators: a pointer to one update of the sequel tracker: its number, headline, date.
    return _("update #{number} “{headline}”, {date}").format(
        number=update.id,
        headline=shorten(update.headline, 120),
        date=day_text(update.published_at),
    )


def _source_date(source: Source) -> str:
    when = day_text(source.published) if source.published else _("date not in the sources")
    return f"{source.title} ({when})"


def compose_post(update: SequelUpdate, delivery: Delivery) -> OutgoingPost:
    """A news post: the update's card; with a role, the Notify me / Stop notifying me buttons
    and, when the follow allows it (see Follow.mention_role), that role's mention (and only
    that role can be pinged)."""
    embed = update_card(update)
    if delivery.role_id is None:
        return OutgoingPost(embed)
    if not delivery.mention_role:
        # Whoever chose the role couldn't have mentioned it themselves: no ping through the bot.
        return OutgoingPost(embed, view=notify_view(delivery.guild_id))
    return OutgoingPost(
        embed,
        content=f"<@&{delivery.role_id}>",
        view=notify_view(delivery.guild_id),
        allowed_mentions=only_role(delivery.role_id),
    )


def only_role(role_id: int) -> discord.AllowedMentions:
    """Mentions a news post may ping: the follow's role, nothing else."""
    return discord.AllowedMentions(
        everyone=False, users=False, roles=[discord.Object(role_id)], replied_user=False
    )
