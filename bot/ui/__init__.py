"""Shared presentation primitives every feature builds on: embeds within Discord's limits
(embeds), links shown safely (links), verbatim excerpts and the labels cards share (excerpts),
paginator and owned views (views), posting to a channel and the permission check before it
(posting), display names made safe to show (display_names), what the bot stores in words
(privacy). Feature-specific cards live in each feature's cogs/<feature>/_render.py."""
