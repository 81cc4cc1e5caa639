"""Cut the fixture .sav from the demo cycle's public student file (run once, from the root).

    WORKBENCH_OUTPUTS=<outputs> .venv/bin/python tests/reference/release/make_sav.py

Keeps the students of the first 12 (re-keyed) schools and the columns a published mean
needs (weights, replicates, PVs) plus two labelled variables with user-missing codes, with
the released file's labels and missing declarations (Russian label set). R reads it in
make_fixtures.R.
"""

from pathlib import Path

import pyreadstat

from workbench.paths import cycle_dir


def main() -> None:
    here = Path(__file__).parent
    source = cycle_dir("sabat6-demo") / "release" / "public" / "sav" / "ru" / "ASGKGZS1.sav"
    data, meta = pyreadstat.read_sav(str(source), user_missing=True)
    keep = [
        "IDCNTRY",
        "IDSCHOOL",
        "IDCLASS",
        "IDSTUD",
        "ITSEX",
        "TOTWGT",
        "JKZONE",
        "JKREP",
        *[c for c in data.columns if c.startswith(("RWGT", "ASRREA"))],
        "ASBH05",
        "REGION",
    ]
    cut = data.loc[data["IDSCHOOL"] <= 12, keep].reset_index(drop=True)
    pyreadstat.write_sav(
        cut,
        str(here / "ASGKGZS1_cut.sav"),
        column_labels=[meta.column_names_to_labels[c] for c in keep],
        variable_value_labels={c: v for c, v in meta.variable_value_labels.items() if c in keep},
        missing_ranges={c: v for c, v in meta.missing_ranges.items() if c in keep},
    )
    print(len(cut), "students")


if __name__ == "__main__":
    main()
