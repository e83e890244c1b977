"""The application layer: the use cases both faces (the command line and the window) call.

Qt-free and print-free: functions here return what happened (summaries, problems to show) and
raise :class:`desktop.core.store.ProjectError` for expected problems; each face decides how to
show them.  It sits above :mod:`desktop.nlp` and :mod:`desktop.core` and below ``cli`` and ``ui``
(the contracts in ``pyproject.toml``, ``[tool.importlinter]``, enforce this).

- :mod:`desktop.app.session`: the open project, ``do(edit)`` returning what it applied, undo/redo.
- :mod:`desktop.app.gestures`: the editor's gestures: which edits, what to select afterwards.
- :mod:`desktop.app.queries`: what the editor's views read (search hits, the entity story…).
- :mod:`desktop.app.keymap`: the one key map (menus, the article view, the F1 sheet, README).
- :mod:`desktop.app.export`: every export format behind one function.
- :mod:`desktop.app.info`: what ``claimdesk info`` shows about a project.
- :mod:`desktop.app.documents`, :mod:`desktop.app.labels`: documents and labels by the names a
  user gives them (``claimdesk status``, ``delete``, ``labels``).
- :mod:`desktop.app.preannotate`: files in, pre-annotated JSONL out, and what it refuses to
  write over.
- :mod:`desktop.app.demo`: the demo project built from the bundled seeds.
- :mod:`desktop.app.train`: ``claimdesk train`` and Annotate ▸ Train: the claims model learned from
  the editors' labels, stored only when it scores better on held-out documents.
"""
