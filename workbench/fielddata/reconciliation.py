"""Who drops out between stages, and why: the reconciliation table (field data → weights →
plausible values).

One tidy table follows every school, class and student from the delivery to the last stage.
For each ``level`` (``school``, ``class``, ``student``) and ``step``, rows say how many
were ``kept``, ``dropped`` (one row per reason) and ``added`` (present at this step but not
the previous one), so that for every step::

    kept(step) = kept(previous step) - dropped(step) + added(step)

The field-data stage builds the first steps with :func:`reconcile_intake`; later stages
append theirs with one call of :func:`add_step` (weights: ``weighted``; scaling:
``plausible_values``). :func:`reconciliation_table` lays it out for a report with the labels
of ``workbench/texts/field_data.yaml`` in ky, ru or en.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = [
    "RECONCILIATION_COLUMNS",
    "reconcile_intake",
    "add_step",
    "plausible_values_step",
    "reconciliation_flow",
    "reconciliation_table",
    "check_reconciliation",
]

RECONCILIATION_COLUMNS = ["level", "step", "change", "reason", "n"]
_STUDENT_STATUS = {2: "absent", 3: "excluded"}
_SCHOOL_STATUS = {2: "refused", 3: "not_contacted"}


def reconcile_intake(field, sample: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation of a delivery's intake: schools, classes and students, step by step.

    Parameters
    ----------
    field
        :class:`~workbench.fielddata.returns.FieldIntake` of the delivery (raw IDs; the
        table holds counts only).
    sample
        The drawn sample (``IDSCHOOL``; sampled and replacement schools).

    Returns
    -------
    DataFrame
        :data:`RECONCILIATION_COLUMNS`. Steps: school ``in_sample → tracked →
        participated``; class ``tracking_read → tracking_accepted → in_participating_school
        → assessed``; student ``tracking_read → tracking_accepted → assessed → booklet``.

    Notes
    -----
    Checked against: the planted delivery of ``tests/test_fielddata_reconciliation.py``
    (each planted loss counted once under its reason) and :func:`check_reconciliation`.
    """
    res = field.results
    parts = [_schools(res["school_tracking"], sample), _classes(res), _students(res)]
    return pd.concat(parts, ignore_index=True)


def add_step(
    reconciliation: pd.DataFrame,
    *,
    level: str,
    step: str,
    before,
    after,
    reasons: Mapping | pd.Series | None = None,
    added: str = "not_in_previous_step",
) -> pd.DataFrame:
    """Append one step to a reconciliation table (the call a later stage makes).

    Parameters
    ----------
    reconciliation
        The table so far (:func:`reconcile_intake` output, maybe with more steps).
    level
        ``school``, ``class`` or ``student``.
    step
        Name of the new step (e.g. ``weighted``, ``plausible_values``).
    before
        IDs kept at the previous step, as this stage knows them (pseudonyms are fine).
    after
        IDs kept at this step.
    reasons
        ``{id: reason}`` for IDs of ``before`` missing from ``after``; others are counted as
        ``unexplained``.
    added
        Reason code of IDs in ``after`` but not in ``before``.

    Returns
    -------
    DataFrame
        The table with the step's ``kept``, ``dropped`` and ``added`` rows appended. When
        ``before`` does not match the previous step's kept count, a ``dropped`` row with
        reason ``not_reconciled`` says by how much (never silently).

    Examples
    --------
    >>> r = pd.DataFrame([("student", "booklet", "kept", "kept", 3)],
    ...                  columns=RECONCILIATION_COLUMNS)
    >>> add_step(r, level="student", step="plausible_values", before=["a", "b", "c"],
    ...          after=["a", "b"], reasons={"c": "no_responses"}).values.tolist()[1:]
    [['student', 'plausible_values', 'kept', 'kept', 2], ['student', 'plausible_values', \
'dropped', 'no_responses', 1]]
    """
    before = pd.Index(pd.unique(pd.Series(list(before)).dropna()))
    after = pd.Index(pd.unique(pd.Series(list(after)).dropna()))
    gone = before.difference(after)
    new = after.difference(before)
    reasons = (
        pd.Series(dict(reasons) if isinstance(reasons, Mapping) else reasons, dtype=object)
        if reasons is not None
        else pd.Series(dtype=object)
    )
    why = pd.Series(gone.map(lambda i: reasons.get(i, "unexplained")), dtype=object)
    rows = [(level, step, "kept", "kept", len(after))]
    rows += [(level, step, "dropped", r, int(n)) for r, n in why.value_counts().items()]
    if len(new):
        rows.append((level, step, "added", added, len(new)))
    previous = _last_kept(reconciliation, level)
    if previous is not None and previous != len(before):
        rows.append(
            (
                level,
                step,
                "dropped" if previous > len(before) else "added",
                "not_reconciled",
                abs(previous - len(before)),
            )
        )
    table = pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)
    return pd.concat([reconciliation, table], ignore_index=True)


def plausible_values_step(
    reconciliation: pd.DataFrame, *, weighted, scored, scaled
) -> pd.DataFrame:
    """Append the scaling stage's ``plausible_values`` step: weighted students without PVs.

    A weighted student whose booklet never reached the scored responses (the tracking form
    says assessed, no booklet was accepted) has no achievement data: as in IEA studies, such
    a student is not scaled and gets no plausible values (PVs are never drawn from the
    background model alone). They are dropped here as ``weighted_without_booklet``, so the
    table shows how many weighted students the results leave out, and their weight with
    them; a student with scored responses but no PV (every answered item left out of
    scaling) is dropped as ``no_responses``.

    Parameters
    ----------
    reconciliation
        The table so far (``weights_reconciliation``: intake steps and ``weighted``).
    weighted, scored, scaled
        ``IDSTUD`` of the weighted students, of the scored responses, of the students
        with plausible values.

    Examples
    --------
    >>> r = pd.DataFrame([("student", "weighted", "kept", "kept", 5)],
    ...                  columns=RECONCILIATION_COLUMNS)
    >>> r = plausible_values_step(r, weighted=list("abcde"), scored=list("abc"),
    ...                           scaled=["a", "b"])
    >>> r.values.tolist()[1:]  # doctest: +NORMALIZE_WHITESPACE
    [['student', 'plausible_values', 'kept', 'kept', 2],
     ['student', 'plausible_values', 'dropped', 'weighted_without_booklet', 2],
     ['student', 'plausible_values', 'dropped', 'no_responses', 1]]
    """
    weighted = pd.Index(pd.unique(pd.Series(list(weighted)).dropna()))
    has_booklet = weighted.isin(pd.Index(list(scored)))
    reasons = dict(
        zip(
            weighted,
            pd.Series(has_booklet).map({True: "no_responses", False: "weighted_without_booklet"}),
            strict=True,
        )
    )
    return add_step(
        reconciliation,
        level="student",
        step="plausible_values",
        before=weighted,
        after=scaled,
        reasons=reasons,
    )


def reconciliation_flow(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """How many are kept at each step: one row per ``level`` and ``step``, in order.

    Returns
    -------
    DataFrame
        ``level, step, n, dropped, added``.
    """
    r = reconciliation
    kept = r[r["change"] == "kept"][["level", "step", "n"]]
    lost = r[r["change"] == "dropped"].groupby(["level", "step"], sort=False)["n"].sum()
    added = r[r["change"] == "added"].groupby(["level", "step"], sort=False)["n"].sum()
    key = pd.MultiIndex.from_frame(kept[["level", "step"]])
    return kept.assign(
        dropped=lost.reindex(key, fill_value=0).to_numpy(),
        added=added.reindex(key, fill_value=0).to_numpy(),
    ).reset_index(drop=True)


def check_reconciliation(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Steps where ``kept != previous kept - dropped + added`` (empty when all reconcile).

    Examples
    --------
    >>> r = pd.DataFrame([("student", "a", "kept", "kept", 5),
    ...                   ("student", "b", "kept", "kept", 4),
    ...                   ("student", "b", "dropped", "absent", 1)],
    ...                  columns=RECONCILIATION_COLUMNS)
    >>> len(check_reconciliation(r))
    0
    """
    flow = reconciliation_flow(reconciliation)
    previous = flow.groupby("level", sort=False)["n"].shift()
    expected = previous - flow["dropped"] + flow["added"]
    bad = previous.notna() & (expected != flow["n"])
    return flow[bad].assign(expected=expected[bad]).reset_index(drop=True)


def reconciliation_table(
    table: pd.DataFrame,
    *,
    lang: str,
    columns: tuple[str, ...] = ("level", "step", "change", "reason", "check", "action", "fate"),
) -> pd.DataFrame:
    """A reconciliation (or check, or audit) table with its codes in words, for a report.

    Codes are labelled from ``workbench/texts/labels_field_data.yaml`` (keys ``rc_<code>``)
    in ``lang``; a code without a label is shown as it is. Show the result with
    ``verbatim`` for those columns, so the report does not translate them again.

    Examples
    --------
    >>> r = pd.DataFrame([("student", "booklet", "dropped", "booklet_missing", 3)],
    ...                  columns=RECONCILIATION_COLUMNS)
    >>> reconciliation_table(r, lang="en").values.tolist()
    [['Students', 'With an accepted booklet', 'dropped', 'booklet not delivered', 3]]
    """
    from workbench.labels import label

    out = table.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(
                lambda code: (
                    code
                    if pd.isna(code) or label(f"rc_{code}", lang) == f"rc_{code}"
                    else label(f"rc_{code}", lang)
                )
            )
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------- levels


def _rows(level: str, step: str, kept: int, dropped: Mapping[str, int]) -> list[tuple]:
    rows = [(level, step, "kept", "kept", int(kept))]
    rows += [(level, step, "dropped", r, int(n)) for r, n in dropped.items() if n]
    return rows


def _codes(series: pd.Series, names: Mapping[int, str]) -> pd.Series:
    return series.astype(object).map(
        lambda v: names.get(int(v), f"code_{int(v)}") if pd.notna(v) else "no_code"
    )


def _schools(tracking, sample: pd.DataFrame) -> pd.DataFrame:
    ids = pd.Index(pd.unique(sample["IDSCHOOL"]))
    acc = tracking.accepted
    tracked = ids.intersection(pd.Index(acc["IDSCHOOL"].dropna().astype(int)))
    raw = tracking.quarantined.get("IDSCHOOL", pd.Series(dtype=object))
    quarantined = ids.difference(tracked).intersection(
        pd.Index(pd.to_numeric(raw, errors="coerce").dropna().astype(int))
    )
    rows = _rows("school", "in_sample", len(ids), {})
    rows += _rows(
        "school",
        "tracked",
        len(tracked),
        {
            "tracking_quarantined": len(quarantined),
            "not_in_tracking": len(ids) - len(tracked) - len(quarantined),
        },
    )
    part = acc[acc["IDSCHOOL"].isin(tracked)].drop_duplicates("IDSCHOOL")
    status = _codes(part["PARTICIP"], {1: "participated", **_SCHOOL_STATUS})
    rows += _rows(
        "school",
        "participated",
        int((status == "participated").sum()),
        status[status != "participated"].value_counts().to_dict(),
    )
    return pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)


def _classes(res: Mapping) -> pd.DataFrame:
    ct = res["class_tracking"]
    acc = ct.accepted
    rows = _rows("class", "tracking_read", ct.reconciliation.read, {})
    rows += _rows(
        "class",
        "tracking_accepted",
        len(acc),
        {"tracking_quarantined": ct.reconciliation.quarantined},
    )
    schools = res["school_tracking"].accepted
    taking_part = schools.loc[schools["PARTICIP"] == 1, "IDSCHOOL"]
    in_school = acc["IDSCHOOL"].isin(taking_part)
    rows += _rows(
        "class",
        "in_participating_school",
        int(in_school.sum()),
        {"school_not_participating": int((~in_school).sum())},
    )
    assessed = in_school & (acc["N_ASSESSED"].fillna(0) > 0)
    rows += _rows(
        "class",
        "assessed",
        int(assessed.sum()),
        {"no_student_assessed": int((in_school & ~assessed).sum())},
    )
    return pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)


def _students(res: Mapping) -> pd.DataFrame:
    st = res["student_tracking"]
    acc = st.accepted.drop_duplicates("IDSTUD")
    rows = _rows("student", "tracking_read", st.reconciliation.read, {})
    rows += _rows(
        "student",
        "tracking_accepted",
        len(acc),
        {
            "tracking_quarantined": st.reconciliation.quarantined,
            "duplicate_in_tracking": len(st.accepted) - len(acc),
        },
    )
    status = _codes(acc["PARTICIP"], {1: "assessed", **_STUDENT_STATUS})
    assessed = acc.loc[status == "assessed", "IDSTUD"]
    rows += _rows(
        "student", "assessed", len(assessed), status[status != "assessed"].value_counts().to_dict()
    )
    books = res["booklets"]
    have = assessed.isin(books.accepted["IDSTUD"])
    quarantined_ids = pd.to_numeric(
        books.quarantined.get("IDSTUD", pd.Series(dtype=object)), errors="coerce"
    )
    in_quarantine = ~have & assessed.isin(quarantined_ids)
    rows += _rows(
        "student",
        "booklet",
        int(have.sum()),
        {
            "booklet_quarantined": int(in_quarantine.sum()),
            "booklet_missing": int((~have & ~in_quarantine).sum()),
        },
    )
    return pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)


def _last_kept(reconciliation: pd.DataFrame, level: str) -> int | None:
    kept = reconciliation[(reconciliation["level"] == level) & (reconciliation["change"] == "kept")]
    return int(kept["n"].iloc[-1]) if len(kept) else None
