"""The seed (seed.toml) and its source texts (article/), shipped with the bot as the package
`heroes_data` (see pyproject.toml) and read with importlib.resources, so an installed bot
finds them too."""
