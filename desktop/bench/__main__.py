"""``python -m desktop.bench --child TASK JSON``: one measuring step in a process of its own
(:func:`desktop.bench.harness.run_child` starts these).  The harness's own ``__main__`` block
does the work, as when it was ``desktop/bench.py``."""

import runpy

runpy.run_module("desktop.bench.harness", run_name="__main__", alter_sys=True)
