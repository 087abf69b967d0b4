"""Benchmarks: heroes-bot against a minimal discord.py bot, side by side, on the emulator.

Run ``python -m bench`` (or ``make bench``) from the repository root; see BENCHMARKS.md.
Development tooling only: nothing in ``bot/`` or ``cogs/`` imports it.
"""
