"""The catalog: every entry reads for the demo cycle, and it is the way stages write too."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.catalog import entries, entry_path, open_catalog, save


def test_every_entry_reads_after_the_demo_run(demo_run):
    cat = open_catalog("sabat6-demo")
    names = list(cat)
    assert {"register", "frame", "students", "items", "responses", "truth"} <= set(names)
    # stages the demo does not run (the design study has its own parameter file)
    elsewhere = {name for name, meta in entries().items() if meta["stage"] == "design_study"}
    assert elsewhere == {"design_study", "design_study_domains"}
    for name in sorted(set(names) - elsewhere):
        data = cat[name].read()
        if isinstance(data, pd.DataFrame):
            assert len(data) > 0 or name in ("linking", "results_trend"), name  # base: no trend
        else:
            assert isinstance(data, dict) and data, name


def test_every_entry_says_what_it_holds_and_who_writes_it():
    for name, meta in entries().items():
        assert meta.get("description"), name
        assert meta.get("stage"), name


def test_catalog_paths_follow_the_cycle(outputs_root):
    assert entry_path("cycle-a", "frame") == outputs_root / "cycle-a" / "data" / "frame.parquet"
    assert entry_path("cycle-b", "frame") != entry_path("cycle-a", "frame")


def test_save_writes_where_the_catalog_reads(outputs_root):
    table = pd.DataFrame({"school_id": ["x", "y"], "enrol_g6": [10, 20]})
    save("cycle-save", "frame", table)
    pd.testing.assert_frame_equal(open_catalog("cycle-save").frame.read(), table)


def test_unknown_entry_and_bad_cycle_are_refused():
    with pytest.raises(KeyError, match="no entry 'sample'"):
        entry_path("sabat6-demo", "sample")
    with pytest.raises(TypeError, match="cycle must be a non-empty string"):
        open_catalog(2026)
