"""What owners read about the feed watcher: a candidate's review card (and the same card once
decided), the feeds list and the recent items. Every embed is built with EmbedBuilder.

Everything a feed served (headline, outlet, summary, link) is shown as served: never translated,
never a masked link. The bot's own words around it follow the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.i18n import N_, _, format_number, ngettext
from bot.store import STAGE_LABELS
from bot.ui.embeds import EmbedBuilder, shorten
from bot.ui.excerpts import excerpt_block
from bot.ui.links import display_url, literal, plain, source_text
from bot.ui.moments import stored_day

if TYPE_CHECKING:
    from bot.store import Feed, FeedItem

REVIEW_COLOUR = 0xE8A33D
PUBLISHED_COLOUR = 0x3BA55C
REJECTED_COLOUR = 0x808080
ITEMS_SHOWN = 20
FEEDS_SHOWN = 25  # an embed's fields

# The warnings a parsed item may carry (cogs/feeds/_match.py link_flags), shown in review.
FLAG_TEXTS = {
    "link-not-http": N_("The link is not an http(s) address: it can't be published as a source."),
    "link-host-differs": N_(
        "The link goes to another website than the feed's own (and not through a known "
        "redirector): check that the outlet really reported this."
    ),
}
# An item's state, as the owner reads it.
STATUS_TEXTS = {
    # Translators: the state of one item read from a news feed.
    "candidate": N_("waiting for review"),
    # Translators: the state of one item read from a news feed.
    "skipped": N_("skipped"),
    # Translators: the state of one item read from a news feed.
    "published": N_("published"),
    # Translators: the state of one item read from a news feed.
    "rejected": N_("rejected"),
}


def stage_label(key: str | None) -> str | None:
    """A stage's label in the reader's language; a key the bot does not know, as stored."""
    if key is None:
        return None
    label = STAGE_LABELS.get(key)
    return _(label) if label is not None else key


def flag_text(flag: str) -> str:
    """A warning on an item, in the reader's language; a flag the bot does not know, as is."""
    text = FLAG_TEXTS.get(flag)
    return _(text) if text is not None else flag


def status_text(status: str) -> str:
    text = STATUS_TEXTS.get(status)
    return _(text) if text is not None else status


def feed_name(feed: Feed | None) -> str:
    """A feed as owners recognise it: its title as served, else its address (plain text)."""
    if feed is None:
        # Translators: in place of a feed's name, once the feed was removed.
        return _("a removed feed")
    if feed.title and feed.title.strip():
        return plain(shorten(feed.title, 100))
    return f"<{display_url(feed.url) or plain(feed.url)}>"


def review_embed(item: FeedItem, feed: Feed | None, *, stage: str | None = None) -> discord.Embed:
    """A candidate as an owner reviews it: the headline, who reported it and where, the feed's
    own summary as the verbatim excerpt, the suggested stage (a suggestion) and any warning.
    `stage` is the stage the owner picked so far (None: no stage change)."""
    builder = EmbedBuilder(item.title, colour=_colour(item.status))
    builder.embed.description = _review_heading(item)
    # Translators: where the headline comes from: the outlet's name and the link, as served.
    builder.field(_("Reported by"), source_text(item.outlet, item.link))
    summary = item.summary.strip() or item.title
    # Translators: the field with the feed item's own summary, quoted word for word.
    # Escaped: the feed's words shown as served, never as its Markdown (a masked link, a
    # bold "Published by" line).
    builder.field(_("What the feed says"), excerpt_block(literal(summary)))
    if item.published:
        builder.field(_("Date"), stored_day(item.published), inline=True)
    builder.field(_("Feed"), feed_name(feed), inline=True)
    suggested = stage_label(item.suggested_stage)
    if suggested:
        # Translators: a stage the keywords suggest; applied only if an owner chooses it.
        value = _("{stage} (a suggestion: pick it in the menu to publish with it)")
        builder.field(_("Suggested stage"), value.format(stage=suggested), inline=True)
    if item.status == "candidate":
        chosen = stage_label(stage) or _("no stage change")
        builder.field(_("Publish with"), chosen, inline=True)
    warnings = [f"⚠️ {flag_text(flag)}" for flag in item.flags]
    if warnings:
        builder.field(_("Warnings"), "\n".join(warnings))
    builder.footer(
        _("Feed item #{number} · read {when} UTC").format(
            number=item.id, when=item.fetched_at[:16].replace("T", " ")
        )
    )
    return builder.build()


def _colour(status: str) -> int:
    if status == "published":
        return PUBLISHED_COLOUR
    if status == "rejected":
        return REJECTED_COLOUR
    return REVIEW_COLOUR


def _review_heading(item: FeedItem) -> str:
    """The line above the card: what to do, or who decided."""
    who = f"<@{item.reviewed_by}>" if item.reviewed_by else _("the feed watcher")
    if item.status == "published":
        if item.update_id is not None:
            text = _("**Published** by {who} as update #{number}.")
            return text.format(who=who, number=item.update_id)
        return _("**Published** by {who}.").format(who=who)
    if item.status == "rejected":
        return _("**Rejected** by {who}: nothing was posted.").format(who=who)
    if item.status == "skipped":
        return _("**Skipped**: {reason}").format(reason=item.skip_reason or "")
    return _(
        "A news feed served this. Nothing is posted until an owner presses **Publish**; "
        "the post will say who reported it."
    )


def feeds_embed(feeds: Sequence[Feed]) -> discord.Embed:
    """/feeds list: every feed, its state, schedule and last trouble."""
    title = _("Watched news feeds")
    if not feeds:
        text = _("No feed is watched. Add one with /feeds add url: (an RSS or Atom address).")
        return EmbedBuilder(title, description=text).build()
    builder = EmbedBuilder(title)
    builder.reserve_footer(200)
    for feed in feeds[:FEEDS_SHOWN]:
        name = f"#{feed.id} · {shorten(feed.title or feed.url, 200)}"
        builder.field(name, feed_state(feed))
    builder.reserve_footer(0)
    count = len(feeds)
    footer = ngettext("{count} feed", "{count} feeds", count).format(count=format_number(count))
    builder.footer(footer)
    return builder.build()


def feed_state(feed: Feed) -> str:
    """A feed's lines in /feeds list: address, state, keywords, interval, last poll and error."""
    lines = [f"<{display_url(feed.url) or plain(feed.url)}>"]
    if not feed.enabled:
        # The reason is stored in English when the feed is disabled, and shown as stored.
        text = _("**Disabled**: {reason} Turn it back on with /feeds enable.")
        # Escaped: a reason may quote an address a hostile server sent (a redirect's Location).
        lines.append(text.format(reason=plain(feed.disabled_reason or feed.last_error or "")))
    elif feed.failures:
        text = ngettext(
            "**Failing** ({count} time in a row): {error}. Next try {when} UTC.",
            "**Failing** ({count} times in a row): {error}. Next try {when} UTC.",
            feed.failures,
        )
        lines.append(
            text.format(
                count=format_number(feed.failures),
                error=plain(feed.last_error or ""),
                when=_time(feed.next_poll_at),
            )
        )
    else:
        lines.append(_("Next poll {when} UTC.").format(when=_time(feed.next_poll_at)))
    lines.append(_feed_settings(feed))
    return "\n".join(lines)


def _feed_settings(feed: Feed) -> str:
    minutes = max(1, feed.interval_s // 60)
    every = ngettext("every {count} minute", "every {count} minutes", minutes).format(
        count=format_number(minutes)
    )
    keywords = ", ".join(feed.keywords) if feed.keywords else _("the default keywords")
    if feed.trusted:
        text = _("Polled {every} · keywords: {keywords} · trusted")
    else:
        text = _("Polled {every} · keywords: {keywords}")
    return text.format(every=every, keywords=plain(keywords))


def _time(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


def items_embed(items: Sequence[FeedItem]) -> discord.Embed:
    """/feeds items: the newest items read, each with its state (skipped ones with why)."""
    title = _("Recent feed items")
    if not items:
        return EmbedBuilder(title, description=_("No item has been read yet.")).build()
    lines = [item_line(item) for item in items[:ITEMS_SHOWN]]
    return EmbedBuilder(title, description=shorten("\n".join(lines), 4096)).build()


def item_line(item: FeedItem) -> str:
    """'#12 · skipped: no keyword matched · “Headline” — Outlet — <link>'."""
    state = status_text(item.status)
    if item.status == "skipped" and item.skip_reason:
        # The reason is stored in English when the item is read, and shown as stored.
        state = _("{state}: {reason}").format(state=state, reason=item.skip_reason)
    headline = plain(shorten(item.title, 120))
    return f"#{item.id} · {state} · “{headline}” — {source_text(item.outlet, item.link)}"
