"""The bot in its members' languages: English (the source), es-419, es-ES, pt-BR and fr.

- Replies follow the member's client (`interaction.locale`, set by `set_locale` where an
  interaction is answered); posts to a channel follow the server (`/settings language:`, else its
  preferred locale), with `use_locale`. Anything else is English.
- Strings: `_("...")`, `ngettext`, `pgettext`; a module-level constant is marked with `N_` and
  translated where shown. Placeholders are named (`{name}`) and filled with `.format()` after
  translation, never with an f-string (the catalogs could not hold it).
- Quotes and source excerpts are never translated: they are shown as their source prints them.
- `make i18n` extracts new strings into the catalogs (bot/i18n/locale/) and compiles them.
"""

from ._catalogs import N_, _, catalog, catalogs_digest, ngettext, npgettext, pgettext
from ._context import current_locale, set_locale, use_locale
from ._format import (
    format_date,
    format_list,
    format_number,
    format_percent,
    join_clauses,
)
from ._locales import DEFAULT, LOCALES, NATIVE_NAMES, TRANSLATED, resolve
from ._translator import CONTEXTS, HeroesTranslator, shown_command, translate_command_string

__all__ = [
    "CONTEXTS",
    "DEFAULT",
    "LOCALES",
    "NATIVE_NAMES",
    "N_",
    "TRANSLATED",
    "HeroesTranslator",
    "_",
    "catalog",
    "catalogs_digest",
    "current_locale",
    "format_date",
    "format_list",
    "format_number",
    "format_percent",
    "join_clauses",
    "ngettext",
    "npgettext",
    "pgettext",
    "resolve",
    "set_locale",
    "shown_command",
    "translate_command_string",
    "use_locale",
]
