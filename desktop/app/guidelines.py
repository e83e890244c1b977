"""The annotation guidelines: the shipped ones, or the project's own copy.

Claimdesk ships guidelines in ``resources/guidelines/en.md`` (what counts as a quote, a speaker, a
claim; the entity labels; the two quote content conventions). A project may keep its own edited
copy as the ``guidelines`` setting (:data:`desktop.core.settings.GUIDELINES`), so it travels in
the project file and in a JSONL copy of the project like every setting. It is changed only by the
:class:`~desktop.core.edits.SetSetting` edit, which undo reverts exactly. Help ▸ Annotation
Guidelines (``desktop/ui/guidelines.py``) shows them and makes these edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core import edits
from desktop.core.settings import GUIDELINES
from desktop.core.store import Store
from desktop.paths import resources_dir

__all__ = ["EDIT_LABEL", "RESET_LABEL", "Guidelines", "edit_guidelines", "project_guidelines", "reset_guidelines",
           "shipped_guidelines", "shipped_path"]

#: The undo steps' labels (Edit ▸ Undo, History).
EDIT_LABEL = "edit the annotation guidelines"
RESET_LABEL = "reset the annotation guidelines"


@dataclass(frozen=True)
class Guidelines:
    """The guidelines a project follows: its own copy (``own``) or the shipped ones."""

    text: str
    own: bool


def shipped_path() -> Path:
    """The shipped guidelines' file (inside the package in a wheel)."""
    return resources_dir() / "guidelines" / "en.md"


def shipped_guidelines() -> str:
    """The guidelines Claimdesk ships (Markdown)."""
    return shipped_path().read_text(encoding="utf-8")


def project_guidelines(store: Store | None) -> Guidelines:
    """The project's own guidelines, else (also with no project) the shipped ones."""
    own = store.settings().get(GUIDELINES) if store is not None else None
    return Guidelines(own, True) if own else Guidelines(shipped_guidelines(), False)


def edit_guidelines(store: Store, text: str) -> edits.Edit | None:
    """The edit that makes ``text`` the project's own guidelines, or None when it changes nothing
    (the same text, or the shipped text while the project has no copy of its own). A blank text
    is the reset. An invalid text is refused by the edit, with one line."""
    current = project_guidelines(store)
    if not text.strip():
        return reset_guidelines(store)
    if text.strip() == current.text.strip():
        return None
    return edits.SetSetting(GUIDELINES, text)


def reset_guidelines(store: Store) -> edits.Edit | None:
    """The edit that drops the project's own copy (back to the shipped guidelines), or None when
    it has none."""
    return edits.SetSetting(GUIDELINES, None) if project_guidelines(store).own else None
