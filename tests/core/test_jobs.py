"""A job of several stages shows one bar: each stage's progress lands in its own share."""

from __future__ import annotations

import pytest

from desktop.core.jobs import Cancelled, Job


def test_a_stage_reports_within_its_share_and_cancels_with_the_job():
    seen, stop = [], []
    job = Job(lambda done, total, msg: seen.append((done, total, msg)), lambda: bool(stop))
    first, second = job.part(0, 2), job.part(1, 2)
    first.progress(0, 4, "a")
    first.progress(4, 4, "a")
    second.progress(1, 3, "b")
    second.progress(9, 3, "b")  # past its end: held at the end of its share
    second.progress(0, 0, "b")  # a stage that does not know its total: its start
    assert seen == [(0, 200, "a"), (100, 200, "a"), (133, 200, "b"), (200, 200, "b"), (100, 200, "b")]
    stop.append(True)
    with pytest.raises(Cancelled):
        second.check()
