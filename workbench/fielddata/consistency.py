"""Checks across the files of a delivery (field-data stage).

Each file is validated on its own first (:mod:`.validate`); these checks then compare files:

* ``school_class_mismatch``: a booklet or student questionnaire puts a student in another
  school or class than the student tracking form does (quarantined);
* ``booklet_number_mismatch``: the booklet's number differs from the tracking form's
  (quarantined: the answers would be scored against the wrong items);
* ``booklet_not_assessed``: a booklet came back for a student the tracking form marks
  absent or excluded (quarantined);
* ``answers_outside_booklet``: answers to items that are not in the student's booklet
  (quarantined, never scored). A booklet's items are those answered or coded by at least
  half of the students given that booklet (at least :data:`MIN_BOOKLET` of them); rarer
  booklets are not checked and counted as such;
* ``same_coder_twice``: one coder coded both times in the double coding (quarantined);
* ``assessed_without_booklet``: an assessed student with no accepted booklet (counted; the
  reconciliation explains them).

Every check has a row in the table :func:`check_consistency` returns, also when it found
nothing, so nothing is skipped silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.fielddata.intake import IntakeResult, quarantine_rows
from workbench.fielddata.messages import message

__all__ = ["CHECKS", "MIN_BOOKLET", "check_consistency"]

#: fewest students of a booklet for its items to be inferred and checked
MIN_BOOKLET = 5
#: the checks, in the order of the table
CHECKS = (
    "school_class_mismatch",
    "booklet_number_mismatch",
    "booklet_not_assessed",
    "answers_outside_booklet",
    "booklets_not_checked",
    "same_coder_twice",
    "assessed_without_booklet",
)
_PARTICIP = {2: "absent", 3: "excluded"}


def check_consistency(
    results: dict[str, IntakeResult], items: pd.DataFrame
) -> tuple[dict[str, IntakeResult], pd.DataFrame]:
    """Compare the files of a delivery; quarantine rows that contradict another file.

    Parameters
    ----------
    results
        ``{kind: IntakeResult}`` of every kind (``student_tracking``, ``booklets``,
        ``student_questionnaire``, ``double_coding`` are used when present).
    items
        The item bank (``item_id``): the booklet's item columns.

    Returns
    -------
    tuple
        The results with contradicting rows moved to quarantine (counts kept right), and a
        table ``check, kind, n, action`` with one row per check of :data:`CHECKS`.

    Notes
    -----
    Checked against: planted faults of ``tests/test_fielddata_delivery.py`` (a booklet in
    another class, an excluded student's booklet, an answer outside the booklet, one coder
    twice), each found once and only once.
    """
    out = dict(results)
    found: list[tuple[str, str, int, str]] = []
    tracking = _tracking(out.get("student_tracking"))
    for kind in ("booklets", "student_questionnaire"):
        if kind in out:
            out[kind], n = _school_class(out[kind], tracking)
            found.append(("school_class_mismatch", kind, n, "quarantined"))
    if "booklets" in out:
        out["booklets"], n = _booklet_number(out["booklets"], tracking)
        found.append(("booklet_number_mismatch", "booklets", n, "quarantined"))
        out["booklets"], n = _not_assessed(out["booklets"], tracking)
        found.append(("booklet_not_assessed", "booklets", n, "quarantined"))
        item_ids = [i for i in items["item_id"] if i in out["booklets"].accepted]
        out["booklets"], n, unchecked = _outside_booklet(out["booklets"], item_ids)
        found.append(("answers_outside_booklet", "booklets", n, "quarantined"))
        found.append(("booklets_not_checked", "booklets", unchecked, "counted"))
    if "double_coding" in out:
        out["double_coding"], n = _same_coder(out["double_coding"])
        found.append(("same_coder_twice", "double_coding", n, "quarantined"))
    if "booklets" in out and tracking is not None:
        assessed = tracking.loc[tracking["PARTICIP"] == 1, "IDSTUD"]
        n = int((~assessed.isin(out["booklets"].accepted["IDSTUD"])).sum())
        found.append(("assessed_without_booklet", "student_tracking", n, "counted"))
    table = pd.DataFrame(found, columns=["check", "kind", "n", "action"])
    order = {c: i for i, c in enumerate(CHECKS)}
    table = table.sort_values("check", key=lambda s: s.map(order), kind="stable")
    return out, table.reset_index(drop=True)


def _tracking(result: IntakeResult | None) -> pd.DataFrame | None:
    if result is None or result.accepted.empty:
        return None
    acc = result.accepted
    where = (
        acc["_source_file"].astype(str).str.rsplit("/", n=1).str[-1]
        + " row "
        + acc["_source_row"].astype(str)
    )
    cols = [c for c in ("IDSTUD", "IDSCHOOL", "IDCLASS", "PARTICIP", "IDBOOK") if c in acc]
    return acc[cols].assign(_where=where.to_numpy()).drop_duplicates("IDSTUD")


def _with_tracking(result: IntakeResult, tracking: pd.DataFrame) -> pd.DataFrame:
    acc = result.accepted[["IDSTUD"]].reset_index()
    both = acc.merge(tracking, on="IDSTUD", how="left", suffixes=("", "_t"))
    return both.set_index("index").reindex(result.accepted.index)


def _school_class(result: IntakeResult, tracking) -> tuple[IntakeResult, int]:
    acc = result.accepted
    if tracking is None or acc.empty or not {"IDSCHOOL", "IDCLASS"} <= set(acc):
        return result, 0
    t = _with_tracking(result, tracking)
    known = t["IDSCHOOL"].notna()
    bad = known & (
        (acc["IDSCHOOL"].astype("Int64") != t["IDSCHOOL"].astype("Int64"))
        | (acc["IDCLASS"].astype("Int64") != t["IDCLASS"].astype("Int64"))
    )
    bad = bad.fillna(False).astype(bool)
    reason = _said(bad, "school_class_differ", where=t["_where"])
    return quarantine_rows(
        result,
        bad,
        column="IDSCHOOL+IDCLASS",
        reason=reason,
        value=acc["IDSCHOOL"].astype(str) + "+" + acc["IDCLASS"].astype(str),
    ), int(bad.sum())


def _booklet_number(result: IntakeResult, tracking) -> tuple[IntakeResult, int]:
    acc = result.accepted
    if tracking is None or acc.empty or "IDBOOK" not in tracking:
        return result, 0
    t = _with_tracking(result, tracking)
    bad = t["IDBOOK"].notna() & (acc["IDBOOK"].astype("Int64") != t["IDBOOK"].astype("Int64"))
    bad = bad.fillna(False).astype(bool)
    reason = _said(bad, "booklet_differs", where=t["_where"], booklet=t["IDBOOK"].astype(str))
    return quarantine_rows(result, bad, column="IDBOOK", reason=reason), int(bad.sum())


def _not_assessed(result: IntakeResult, tracking) -> tuple[IntakeResult, int]:
    acc = result.accepted
    if tracking is None or acc.empty:
        return result, 0
    t = _with_tracking(result, tracking)
    status = (
        t["PARTICIP"]
        .astype(object)
        .map(lambda v: _PARTICIP.get(int(v), "") if pd.notna(v) else "")
        .astype(str)
    )
    bad = status != ""
    reason = _said(bad, "booklet_not_assessed", status=status, where=t["_where"])
    return quarantine_rows(result, bad, column="IDSTUD", reason=reason), int(bad.sum())


def _outside_booklet(result: IntakeResult, item_ids: list[str]) -> tuple[IntakeResult, int, int]:
    acc = result.accepted
    if acc.empty or not item_ids or "IDBOOK" not in acc:
        return result, 0, 0
    given = acc[item_ids].notna()
    book = acc["IDBOOK"].astype("Int64")
    size = book.map(book.value_counts())
    share = given.groupby(book).transform("mean")
    checked = (size >= MIN_BOOKLET).fillna(False).to_numpy()
    outside = given & (share < 0.5)
    outside = outside.to_numpy() & checked[:, None]
    bad = pd.Series(outside.any(axis=1), index=acc.index)
    labels = np.array(item_ids, dtype=object)
    names = pd.Series("", index=acc.index, dtype=object)
    rows = np.flatnonzero(outside.any(axis=1))
    names.iloc[rows] = [", ".join(labels[outside[i]][:5]) for i in rows]
    count = pd.Series(outside.sum(axis=1), index=acc.index)
    reason = _said(
        bad, "items_outside_booklet", count=count.astype(str), booklet=book.astype(str), items=names
    )
    unchecked = int((~checked).sum())
    return (quarantine_rows(result, bad, column="IDBOOK", reason=reason), int(bad.sum()), unchecked)


def _same_coder(result: IntakeResult) -> tuple[IntakeResult, int]:
    acc = result.accepted
    if acc.empty or not {"CODER1", "CODER2"} <= set(acc):
        return result, 0
    bad = (acc["CODER1"] == acc["CODER2"]).fillna(False).astype(bool)
    return quarantine_rows(
        result,
        bad,
        column="CODER1+CODER2",
        reason=message("same_coder"),
        value=acc["CODER1"].astype(str) + "+" + acc["CODER2"].astype(str),
    ), int(bad.sum())


def _said(bad: pd.Series, code: str, **values: pd.Series) -> pd.Series:
    """The message ``code`` of each row ``bad`` with that row's ``values`` (``""`` elsewhere),
    as objects: :func:`~workbench.fielddata.intake.quarantine_rows` keeps their codes."""
    out = pd.Series("", index=bad.index, dtype=object)
    rows = bad.index[bad.to_numpy(bool)]
    out[rows] = [message(code, **{k: v[i] for k, v in values.items()}) for i in rows]
    return out
