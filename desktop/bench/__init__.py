"""``claimdesk bench``: measure Claimdesk against its speed targets on this machine.

A tool above both faces: it drives the window (through :func:`desktop.ui.app.application`) and
the pipeline the command line runs.

- :mod:`desktop.bench.harness`: the synthetic corpus, the large project, the measuring children
  and the targets (``python -m desktop.bench --child TASK JSON`` runs one child).
- :mod:`desktop.bench.command`: the ``claimdesk bench`` command.
"""
