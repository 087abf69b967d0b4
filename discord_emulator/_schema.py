"""Optional validation of request bodies against Discord's OpenAPI spec.

The spec (OpenAPI 3.1, i.e. JSON Schema 2020-12 inside ``components``) is
loaded once per ``SchemaValidator`` and each schema is compiled at first use
and cached, because this runs on every request in benchmarks. ``jsonschema``
is a dev-only dependency, so it is imported lazily; if it or the spec file is
missing, validation is skipped and ``skipped_reason`` says why.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from ._errors import FieldError

_log = logging.getLogger(__name__)

SPEC_ENV_VAR = "DISCORD_OPENAPI_SPEC"
_SPEC_URI = "urn:discord-api-spec"
_SPEC_PARTS = ("shared", "discord-api-spec", "openapi.json")
_VERDICTS_KEPT = 512  # bodies whose validation result is remembered (oldest dropped first)


def _spec_candidates() -> list[Path]:
    """``shared/discord-api-spec/openapi.json`` in the working directory or any folder above
    it, then beside any folder holding this package (e.g. ``<project>/../shared/...``)."""
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    seen: list[Path] = []
    for start in starts:
        for folder in (start, *start.parents):
            candidate = folder.joinpath(*_SPEC_PARTS)
            if candidate not in seen:
                seen.append(candidate)
    return seen


def default_spec_path() -> Path:
    """``$DISCORD_OPENAPI_SPEC`` if set, else the first ``shared/discord-api-spec/openapi.json``
    found from the working directory or this package upwards (none found: the one beside the
    folder holding this package, which ``skipped_reason`` then names). Pass ``spec_path`` to
    ``Emulator``/``SchemaValidator`` to choose another."""
    env = os.environ.get(SPEC_ENV_VAR)
    if env:
        return Path(env)
    candidates = _spec_candidates()
    found = next((c for c in candidates if c.is_file()), None)
    return found or Path(__file__).resolve().parents[1].parent.joinpath(*_SPEC_PARTS)


class SchemaValidator:
    """Validates bodies against named ``#/components/schemas/...`` entries."""

    def __init__(
        self, spec_path: str | os.PathLike[str] | None = None, *, disabled_reason: str | None = None
    ) -> None:
        self.spec_path = Path(spec_path) if spec_path is not None else default_spec_path()
        self.skipped_reason: str | None = disabled_reason
        self._registry: Any = None
        self._schemas: dict[str, Any] = {}
        self._validators: dict[str, Any] = {}
        self._verdicts: dict[tuple[str, str], list[FieldError]] = {}
        if disabled_reason is None:
            self._load()

    @property
    def enabled(self) -> bool:
        return self.skipped_reason is None

    def _load(self) -> None:
        try:
            import jsonschema  # noqa: F401  (probe only; used in _validator)
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError as exc:
            self._skip(f"jsonschema/referencing not installed ({exc})")
            return
        try:
            with open(self.spec_path, "rb") as fh:
                spec = json.load(fh)
        except FileNotFoundError:
            self._skip(f"OpenAPI spec not found at {self.spec_path}")
            return
        except (OSError, ValueError) as exc:
            self._skip(f"OpenAPI spec at {self.spec_path} unreadable: {exc}")
            return
        self._schemas = spec.get("components", {}).get("schemas", {})
        snowflake = self._schemas.get("SnowflakeType")
        if snowflake is not None:
            # The spec types snowflakes as strings, but Discord accepts integers
            # and discord.py sends them (e.g. ``attachments[].id`` of uploads).
            self._schemas["SnowflakeType"] = {
                "anyOf": [snowflake, {"type": "integer", "minimum": 0}]
            }
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self._registry = Registry().with_resource(_SPEC_URI, resource)

    def _skip(self, reason: str) -> None:
        self.skipped_reason = reason
        # DEBUG: a self-hoster's sandbox has no copy of the spec, and nothing is wrong with that;
        # the tests that depend on validation check `enabled` themselves.
        _log.debug("Discord emulator: OpenAPI schema validation skipped: %s", reason)

    def has_schema(self, name: str) -> bool:
        return name in self._schemas

    def _validator(self, name: str) -> Any:
        validator = self._validators.get(name)
        if validator is None:
            from jsonschema import Draft202012Validator

            ref = {"$ref": f"{_SPEC_URI}#/components/schemas/{name}"}
            validator = Draft202012Validator(ref, registry=self._registry)
            self._validators[name] = validator
        return validator

    def validate(self, name: str, instance: Any) -> list[FieldError]:
        """Errors of ``instance`` against schema ``name`` (empty when skipped)."""
        if not self.enabled:
            return []
        if name not in self._schemas:
            _log.warning("Discord emulator: schema %s not in spec; not validated", name)
            return []
        # The same body is often sent many times (a card, a paginator page): its verdict is
        # kept, since a Components V2 card costs jsonschema tens of milliseconds.
        try:
            key = (name, json.dumps(instance, sort_keys=True))
        except (TypeError, ValueError):
            return self._errors(name, instance)
        errors = self._verdicts.get(key)
        if errors is None:
            errors = self._errors(name, instance)
            if len(self._verdicts) >= _VERDICTS_KEPT:
                self._verdicts.pop(next(iter(self._verdicts)))
            self._verdicts[key] = errors
        return list(errors)

    def _errors(self, name: str, instance: Any) -> list[FieldError]:
        from jsonschema.exceptions import best_match

        out: list[FieldError] = []
        for err in self._validator(name).iter_errors(instance):
            # anyOf/oneOf failures carry the real reason in their context.
            if err.context:
                err = best_match(err.context) or err
            message = err.message if len(err.message) <= 300 else err.message[:297] + "..."
            out.append((tuple(err.absolute_path), f"SCHEMA_{str(err.validator).upper()}", message))
        return out
