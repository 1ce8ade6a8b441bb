"""The event-id benchmark on a small database: everything sent is stored, once, and
time-ordered ids make each commit write fewer pages to the log than random ones."""

from __future__ import annotations

from benchmarks import bench_event_ids


def test_time_ordered_ids_write_fewer_log_pages_and_lose_nothing() -> None:
    result = bench_event_ids.main(existing=3_000, submits=150, rounds=1)
    assert result["sent"] == result["stored"] > 3_000
    assert (result["lost"], result["duplicated"]) == (0, 0)
    frames = {kind: figures["frames_per_commit"] for kind, figures in result["mean"].items()}
    # three random ids land on up to three leaves of the id index, time-ordered ones on one
    assert frames["version_7"] + 1 < frames["version_4"], frames
