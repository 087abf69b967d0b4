"""A modal's text fields as Discord's form shows them: label, hint, placeholder, limits.

The checks are the ones Discord's client makes before it lets a form be sent (a required field
filled, the length within min/max), so the bot only ever receives what Discord would send.
"""

from __future__ import annotations

from typing import Any

import msgspec

TEXT_INPUT, LABEL, TEXT_DISPLAY, ACTION_ROW = 4, 18, 10, 1


class FormField(msgspec.Struct, frozen=True):
    custom_id: str
    label: str
    description: str = ""
    placeholder: str = ""
    value: str = ""  # pre-filled, as after "Edit and try again"
    required: bool = True  # Discord's default for a text input
    min_length: int = 0
    max_length: int = 4000
    paragraph: bool = False
    note: str = ""  # a text display shown above the field

    def describe(self, *, show_placeholder: bool) -> str:
        rules = ["required" if self.required else "optional"]
        if self.min_length:
            rules.append(f"{self.min_length}–{self.max_length} characters")
        else:
            rules.append(f"at most {self.max_length} characters")
        if self.paragraph:
            rules.append("one line here")
        if show_placeholder and self.placeholder:
            rules.append(f"placeholder “{self.placeholder}”")
        lines = [self.note] if self.note else []
        lines.append(f"  {self.label} · {' · '.join(rules)}")
        if self.description:
            lines.append(f"    {self.description}")
        return "\n".join(lines)

    def problem(self, value: str) -> str | None:
        """Why Discord's form would not send `value`, or None."""
        if not value.strip():
            return f"{self.label} is required" if self.required else None
        if len(value) < self.min_length:
            return f"{self.label} needs at least {self.min_length} characters ({len(value)} typed)"
        if len(value) > self.max_length:
            return f"{self.label} takes at most {self.max_length} characters ({len(value)} typed)"
        return None


def form_fields(modal: dict[str, Any]) -> list[FormField]:
    """The text inputs of a modal in order, from labels (type 18) or legacy action rows."""
    fields: list[FormField] = []
    note = ""
    for row in modal.get("components") or []:
        if row.get("type") == TEXT_DISPLAY:
            note = f"{note}\n{row.get('content', '')}".strip()
            continue
        if row.get("type") == LABEL:
            items = [(row.get("component") or {}, row.get("label"), row.get("description"))]
        else:
            items = [(c, c.get("label"), None) for c in row.get("components") or []]
        for component, label, description in items:
            if component.get("type") != TEXT_INPUT or not component.get("custom_id"):
                continue
            fields.append(
                FormField(
                    custom_id=component["custom_id"],
                    label=label or component["custom_id"],
                    description=description or "",
                    placeholder=component.get("placeholder") or "",
                    value=component.get("value") or "",
                    required=component.get("required", True),
                    min_length=component.get("min_length") or 0,
                    max_length=component.get("max_length") or 4000,
                    paragraph=component.get("style") == 2,
                    note=note,
                )
            )
            note = ""
    return fields
