"""Disclosure control of the public-use files: k-anonymity, re-keyed IDs, no free text.

The rule (stated in the release report, in this order):

1. **Free text is dropped.** Every text column that is not an ID, a reporting group or a
   coded variable (and every column the parameters list under ``free_text``) leaves the file;
   the report counts the columns and the values dropped.
2. **IDs are re-keyed per release.** ``IDSCHOOL`` becomes a random number ``1..S`` drawn
   from the cycle's seed, the release id and the tier; ``IDCLASS = IDSCHOOL * 100 + c``,
   ``IDSTUD = IDCLASS * 100 + s`` and ``IDTEACH = IDSCHOOL * 100 + t`` (IEA's structure), so
   files of one release link and files of two releases (or two tiers) do not.
3. **k-anonymity on the quasi-identifiers** named in the parameters (e.g. region × locality ×
   language × school type × sex): every combination must be shared by at least ``k``
   records (a suppressed value counts as a category of its own, "suppressed").
   a. *Global recoding* — the parameters' ``recodes`` are applied one after the other (e.g.
      Uzbek and Tajik → "other language"), each only while some combination is still rarer
      than ``k``.
   b. *Local suppression* — for each quasi-identifier in ``suppress_order``, the value is
      blanked in the records still in a rare combination. A variable constant within a
      school (region, locality, school type) is blanked for the whole school, one constant
      within a class (language of instruction) for the whole class, so the other records of
      the same school cannot give it back through ``IDSCHOOL``.
   c. *Last resort* — records still in a rare combination lose every quasi-identifier; if
      those records are fewer than ``k``, the records of the next-smallest combinations join
      them, until the combination of blanks has ``k`` records too.
   The school file gets the same rule with ``k_schools`` on its quasi-identifiers; as the
   files share school-level values through ``IDSCHOOL``, a blank in one is carried into the
   other and the two rules alternate (rounds ``r1``, ``r2``, ...) until neither changes.
   No record is ever dropped: weights, replicates and plausible values stay, so the national
   figures are reproduced exactly from the public file.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"IDSCHOOL": [1, 1, 2, 2, 3, 3, 3], "region": list("aabbccc"),
...                   "ITSEX": [1, 2, 1, 1, 2, 2, 1]})
>>> out, log = k_anonymize(t, quasi=["region", "ITSEX"], k=2, unit=("IDSCHOOL",))
>>> int(out.groupby(["region", "ITSEX"], dropna=False).size().min())
2
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "class_sizes",
    "k_anonymize",
    "k_achieved",
    "rekey",
    "drop_free_text",
    "release_seed",
    "disclose",
    "ID_COLUMNS",
]

#: identifier columns of the analysis files (never free text, always re-keyed)
ID_COLUMNS = ("IDSCHOOL", "IDCLASS", "IDSTUD", "IDTEACH")
#: reporting groups kept as codes (not free text)
_GROUPS = ("region", "locality", "language", "school_type")


def class_sizes(table: pd.DataFrame, quasi: Sequence[str]) -> pd.Series:
    """Number of records sharing each record's combination of quasi-identifiers.

    A blank (suppressed) value is a category of its own.

    Examples
    --------
    >>> t = pd.DataFrame({"a": ["x", "x", None], "b": [1, 1, 1]})
    >>> class_sizes(t, ["a", "b"]).tolist()
    [2, 2, 1]
    """
    _need("class_sizes", table, quasi)
    if not quasi:
        return pd.Series(len(table), index=table.index)
    keys = _keys(table, quasi)
    return keys.map(keys.value_counts())


def _keys(table: pd.DataFrame, quasi: Sequence[str]) -> pd.Series:
    """One integer per record naming its combination (a blank is a category of its own)."""
    key = np.zeros(len(table), dtype=np.int64)
    for column in quasi:
        codes, uniques = pd.factorize(table[column].astype("object"), use_na_sentinel=True)
        key = key * (len(uniques) + 1) + (codes + 1)
    return pd.Series(key, index=table.index)


def k_achieved(table: pd.DataFrame, quasi: Sequence[str]) -> int:
    """The smallest combination's size (the ``k`` the table achieves; 0 if empty)."""
    return int(class_sizes(table, quasi).min()) if len(table) else 0


def k_anonymize(
    table: pd.DataFrame,
    *,
    quasi: Sequence[str],
    k: int,
    recodes: Sequence[Mapping] = (),
    suppress_order: Sequence[str] | None = None,
    unit: Sequence[str] = ("IDSCHOOL", "IDCLASS"),
    file: str = "file",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Recode and suppress quasi-identifiers until every combination has ``k`` records.

    Parameters
    ----------
    table
        One record per row (students, schools or teachers).
    quasi
        Quasi-identifier columns present in ``table``.
    k
        The minimum size of a combination (``k >= 1``).
    recodes
        Global recoding steps, in order: ``{"variable": ..., "map": {old: new}}``.
    suppress_order
        Quasi-identifiers blanked one after the other (default: ``quasi`` reversed).
    unit
        Columns of nested units (school, class): a variable constant within a unit is
        blanked for the whole unit.
    file
        Name of the file in the log.

    Returns
    -------
    (DataFrame, DataFrame)
        The table after the rule and its log ``file, step, variable, action, rule,
        values_changed, records_changed, k_after, records_below_k``.

    Checked against
    ---------------
    A planted unique student in the demo cycle is protected (its combination reaches ``k``,
    what was changed is counted); ``tests/test_release.py``.
    """
    _need("k_anonymize", table, quasi)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(
            f"k_anonymize: k must be an integer >= 1 ({k!r} given); set "
            "stages.release.k in the parameters."
        )
    if len(table) < k:
        raise ValueError(
            f"k_anonymize: {file} has {len(table)} records, fewer than k = {k}; "
            "no rule can reach k. Lower stages.release.k or do not release it."
        )
    out = table.copy()
    quasi = list(quasi)
    order = list(suppress_order) if suppress_order is not None else quasi[::-1]
    order = [v for v in order if v in quasi]
    rows: list[dict] = []

    def log(step: str, variable: str, action: str, rule: str, values: int, records: int):
        sizes = class_sizes(out, quasi)
        rows.append(
            {
                "file": file,
                "step": step,
                "variable": variable,
                "action": action,
                "rule": rule,
                "values_changed": int(values),
                "records_changed": int(records),
                "k_after": int(sizes.min()),
                "records_below_k": int((sizes < k).sum()),
            }
        )

    log("0 before", ", ".join(quasi), "measure", f"k = {k}", 0, 0)
    for number, step in enumerate(recodes, 1):
        variable, mapping = step["variable"], dict(step["map"])
        if variable not in quasi:
            continue
        if (class_sizes(out, quasi) >= k).all():
            log(f"1.{number} recode", variable, "skipped", "k already reached", 0, 0)
            continue
        before = out[variable].copy()
        column = out[variable].astype("object")
        keyed = {str(key): value for key, value in mapping.items()}
        out[variable] = column.map(lambda v, m=keyed: m.get(str(v), v) if pd.notna(v) else v)
        changed = (before.astype("object") != out[variable].astype("object")) & before.notna()
        log(
            f"1.{number} recode",
            variable,
            "recode",
            "; ".join(f"{a} → {b}" for a, b in mapping.items()),
            changed.sum(),
            changed.sum(),
        )
    for number, variable in enumerate(order, 1):
        rare = class_sizes(out, quasi) < k
        if not rare.any():
            break
        within = _unit_of(table, variable, unit)
        if within is not None:
            units = table.loc[rare, within].unique()
            target = table[within].isin(units)
            rule = f"blanked for every record of the {within} (constant within it)"
        else:
            target = rare
            rule = "blanked in the records of rare combinations"
        changed = target & out[variable].notna()
        out[variable] = out[variable].astype("object").where(~changed, None)
        log(f"2.{number} suppress", variable, "suppress", rule, changed.sum(), changed.sum())
    rare = class_sizes(out, quasi) < k
    if rare.any():
        target = rare.copy()
        blank = out[quasi].isna().all(axis=1)
        if (target | blank).sum() < k:
            keys = _keys(out, quasi)
            others = keys[~(target | blank)]
            for combination in others.value_counts(sort=True, ascending=True).index:
                target |= keys == combination  # whole combinations, none left behind
                if (target | blank).sum() >= k:
                    break
        values = int(out.loc[target, quasi].notna().sum().sum())
        for variable in quasi:
            out[variable] = out[variable].astype("object").where(~target, None)
        log(
            "3 last resort",
            ", ".join(quasi),
            "suppress",
            "every quasi-identifier blanked",
            values,
            target.sum(),
        )
    return out, pd.DataFrame(rows)


def release_seed(seed: int, release_id: str, tier: str) -> int:
    """The seed of one release's re-keying (SHA-256 of cycle seed, release id and tier).

    Examples
    --------
    >>> release_seed(1, "2025-v1", "public") == release_seed(1, "2025-v1", "restricted")
    False
    """
    digest = hashlib.sha256(f"{seed}:{release_id}:{tier}".encode()).hexdigest()
    return int(digest[:15], 16)


def rekey(tables: Mapping[str, pd.DataFrame], *, seed: int) -> dict[str, pd.DataFrame]:
    """New IEA-structured IDs for every file of one release (same map across its files).

    ``IDSCHOOL`` → random ``1..S``; ``IDCLASS`` → ``IDSCHOOL * 100 + c``; ``IDSTUD`` →
    ``IDCLASS * 100 + s``; ``IDTEACH`` → ``IDSCHOOL * 100 + t`` (``c, s, t`` in random order).
    Rows are sorted by the new IDs, so the row order tells nothing either.

    Examples
    --------
    >>> s = pd.DataFrame({"IDSCHOOL": [7, 7, 9], "IDCLASS": [71, 71, 91],
    ...                   "IDSTUD": ["a", "b", "c"]})
    >>> out = rekey({"student_results": s}, seed=3)["student_results"]
    >>> sorted(out["IDSCHOOL"]) == [1, 1, 2] or sorted(out["IDSCHOOL"]) == [1, 2, 2]
    True
    >>> bool((out["IDSTUD"] // 100 == out["IDCLASS"]).all())
    True
    """
    rng = np.random.default_rng(seed)
    schools = sorted(
        {v for t in tables.values() if "IDSCHOOL" in t for v in t["IDSCHOOL"] if pd.notna(v)},
        key=str,
    )
    school_map = dict(zip(schools, rng.permutation(len(schools)) + 1, strict=True))
    classes = sorted(
        {
            (s, c)
            for t in tables.values()
            if {"IDSCHOOL", "IDCLASS"} <= set(t)
            for s, c in zip(t["IDSCHOOL"], t["IDCLASS"], strict=True)
            if pd.notna(c)
        },
        key=str,
    )
    class_map = _nested(classes, school_map, rng, "class")
    out = {}
    for name, table in tables.items():
        t = table.copy()
        if "IDCLASS" in t:
            t["IDCLASS"] = [
                class_map.get((s, c), pd.NA)
                for s, c in zip(table["IDSCHOOL"], table["IDCLASS"], strict=True)
            ]
        if "IDSTUD" in t:
            pairs = sorted(zip(t["IDCLASS"], table["IDSTUD"], strict=True), key=str)
            stud = _nested(pairs, {c: c for c, _ in pairs}, rng, "student")
            t["IDSTUD"] = [stud[(c, s)] for c, s in zip(t["IDCLASS"], table["IDSTUD"], strict=True)]
        if "IDTEACH" in t:
            pairs = sorted(set(zip(table["IDSCHOOL"], table["IDTEACH"], strict=True)), key=str)
            teach = _nested(pairs, school_map, rng, "teacher")
            t["IDTEACH"] = [
                teach[(s, x)] for s, x in zip(table["IDSCHOOL"], table["IDTEACH"], strict=True)
            ]
        if "IDSCHOOL" in t:
            t["IDSCHOOL"] = t["IDSCHOOL"].map(school_map)
        keys = [c for c in ID_COLUMNS if c in t]
        for column in keys:
            t[column] = pd.array(t[column], dtype="Int64")
        out[name] = t.sort_values(keys, kind="stable").reset_index(drop=True)
    return out


def drop_free_text(
    table: pd.DataFrame, *, coded: Sequence[str] = (), extra: Sequence[str] = (), file: str = "file"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop free-text columns: text columns that are no ID, group or coded variable.

    Returns the table and a log ``file, variable, action, values_changed`` (non-blank values
    dropped).

    Examples
    --------
    >>> t = pd.DataFrame({"IDSCHOOL": [1], "region": ["chui"], "ACBG99TXT": ["near the bazaar"],
    ...                   "ACBG01": [3.0]})
    >>> out, log = drop_free_text(t)
    >>> list(out.columns), log["variable"].tolist()
    (['IDSCHOOL', 'region', 'ACBG01'], ['ACBG99TXT'])
    >>> drop_free_text(t[["IDSCHOOL"]])[1]["values_changed"].tolist()   # none: said so
    [0]
    """
    keep = set(ID_COLUMNS) | set(_GROUPS) | set(coded)
    text = [
        c
        for c in table.columns
        if c not in keep
        and not str(c).endswith("_MISSING")
        and (pd.api.types.is_string_dtype(table[c]) or table[c].dtype == object)
        and not pd.api.types.is_numeric_dtype(table[c])
    ]
    text += [c for c in extra if c in table.columns and c not in text]
    rows = [
        {
            "file": file,
            "variable": c,
            "action": "drop free text",
            "values_changed": int(table[c].notna().sum()),
        }
        for c in text
    ]
    log = pd.DataFrame(
        rows
        or [
            {"file": file, "variable": "–", "action": "drop free text", "values_changed": 0}
        ],  # said, even when none
        columns=["file", "variable", "action", "values_changed"],
    )
    return table.drop(columns=text), log


def disclose(
    tables: Mapping[str, pd.DataFrame],
    *,
    quasi: Sequence[str],
    k: int,
    k_schools: int,
    recodes: Sequence[Mapping] = (),
    suppress_order: Sequence[str] | None = None,
    free_text: Sequence[str] = (),
    coded: Sequence[str] = (),
    seed: int,
    release_id: str,
    tier: str,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The whole rule on one release tier: free text, k-anonymity (public only), re-keying.

    ``tier="restricted"``: free text dropped and IDs re-keyed, no coarsening.
    ``tier="public"``: also k-anonymity of the students (``k``) and of the schools
    (``k_schools``, on the school-level quasi-identifiers), the school-level changes carried
    into every file so the files agree with each other.

    Returns the files and the report ``tier, file, step, variable, action, rule,
    values_changed, records_changed, k_after, records_below_k``.
    """
    if tier not in ("public", "restricted"):
        raise ValueError(f"disclose: tier must be 'public' or 'restricted' ({tier!r} given).")
    out, logs = {}, []
    for name, table in tables.items():
        t, log = drop_free_text(table, coded=coded, extra=free_text, file=name)
        out[name], _ = t, logs.append(log)
    student = out.get("student_results")
    if tier == "public" and student is not None:
        quasi_s = [q for q in quasi if q in student.columns]
        school = out.get("school_results")
        quasi_c = [q for q in quasi if school is not None and q in school.columns]
        school_level = [
            q
            for q in quasi_c
            if q in quasi_s and _unit_of(tables["student_results"], q, ("IDSCHOOL",))
        ]
        # the files share school-level values through IDSCHOOL: alternate the school and
        # the student rule, carrying blanks both ways, until neither changes (blanks only
        # grow, so this ends)
        for round_ in range(1, 11):
            start = (student.copy(), None if school is None else school.copy())
            if school is not None:
                school, log = k_anonymize(
                    school,
                    quasi=quasi_c,
                    k=k_schools,
                    recodes=recodes,
                    suppress_order=suppress_order,
                    unit=(),
                    file="school_results",
                )
                logs.append(_round(log, round_))
                student, log = _carry_logged(
                    student,
                    school,
                    school_level,
                    k,
                    quasi_s,
                    "student_results",
                    "school_results",
                    round_,
                )
                logs.append(log)
            student, log = k_anonymize(
                student,
                quasi=quasi_s,
                k=k,
                recodes=recodes,
                suppress_order=suppress_order,
                file="student_results",
            )
            logs.append(_round(log, round_))
            if school is not None:
                school, log = _carry_logged(
                    school,
                    student,
                    school_level,
                    k_schools,
                    quasi_c,
                    "school_results",
                    "student_results",
                    round_,
                )
                logs.append(log)
            if _same(start[0], student) and (school is None or _same(start[1], school)):
                break
        out["student_results"] = student
        if school is not None:
            out["school_results"] = school
        if "teacher_results" in out:
            out["teacher_results"] = _carry(
                out["teacher_results"],
                student,
                [q for q in school_level if q in out["teacher_results"]],
            )
    after_rows = []
    for name, table in out.items():
        quasi_t = [q for q in quasi if q in table.columns]
        if tier == "public" and quasi_t and name in ("student_results", "school_results"):
            target = k if name == "student_results" else k_schools
            original = tables[name].loc[table.index]
            changed = sum(
                int(
                    (
                        (original[q].astype("object") != table[q].astype("object"))
                        & original[q].notna()
                    ).sum()
                )
                for q in quasi_t
            )
            rows_changed = int(
                pd.concat(
                    [
                        (original[q].astype("object") != table[q].astype("object"))
                        & original[q].notna()
                        for q in quasi_t
                    ],
                    axis=1,
                )
                .any(axis=1)
                .sum()
            )
            after_rows.append(
                {
                    "tier": tier,
                    "file": name,
                    "step": "4 after",
                    "variable": ", ".join(quasi_t),
                    "action": "measure",
                    "rule": f"k = {target}; values changed in all (a value "
                    "recoded, then blanked, counts once)",
                    "values_changed": changed,
                    "records_changed": rows_changed,
                    "k_after": k_achieved(table, quasi_t),
                    "records_below_k": int((class_sizes(table, quasi_t) < target).sum()),
                }
            )
    out = rekey(out, seed=release_seed(seed, release_id, tier))
    columns = [
        "file",
        "step",
        "variable",
        "action",
        "rule",
        "values_changed",
        "records_changed",
        "k_after",
        "records_below_k",
    ]
    report = (
        pd.concat([log for log in logs if len(log)], ignore_index=True)
        if any(len(log) for log in logs)
        else pd.DataFrame(columns=columns)
    )
    report = report.reindex(columns=columns)
    report.insert(0, "tier", tier)
    for column in ("step", "rule"):
        report[column] = report[column].astype("object").fillna("")
    report["values_changed"] = report["values_changed"].astype("Int64")
    if after_rows:
        report = pd.concat([report, pd.DataFrame(after_rows)], ignore_index=True)
    for name in out:
        report = pd.concat(
            [
                report,
                pd.DataFrame(
                    [
                        {
                            "tier": tier,
                            "file": name,
                            "step": "5 re-key",
                            "variable": ", ".join(c for c in ID_COLUMNS if c in out[name]),
                            "action": "re-key",
                            "rule": "new IEA-structured IDs drawn for this release and tier",
                            "values_changed": len(out[name]),
                            "records_changed": len(out[name]),
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    return out, report.reset_index(drop=True)


# ----------------------------------------------------------------------------- helpers
def _round(log: pd.DataFrame, round_: int) -> pd.DataFrame:
    """Label a rule's log with its round; after round 1 keep only rows that changed values."""
    log = log.copy()
    if round_ > 1:
        log = log[log["values_changed"] > 0]
    log["step"] = f"r{round_} " + log["step"]
    return log


def _carry_logged(
    target: pd.DataFrame,
    source: pd.DataFrame,
    variables: Sequence[str],
    k: int,
    quasi: Sequence[str],
    name: str,
    other: str,
    round_: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`_carry` with a log row per variable that changed."""
    out = _carry(target, source, variables)
    rows = []
    for variable in variables:
        changed = (target[variable].astype("object") != out[variable].astype("object")) & target[
            variable
        ].notna()
        if changed.any():
            sizes = class_sizes(out, quasi)
            rows.append(
                {
                    "file": name,
                    "step": f"r{round_} carry",
                    "variable": variable,
                    "action": "suppress",
                    "rule": f"blanked where {other} blanks it "
                    "(school-level value, linked by IDSCHOOL)",
                    "values_changed": int(changed.sum()),
                    "records_changed": int(changed.sum()),
                    "k_after": int(sizes.min()),
                    "records_below_k": int((sizes < k).sum()),
                }
            )
    return out, pd.DataFrame(rows)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    return a.astype("object").fillna("\0").equals(b.astype("object").fillna("\0"))


def _carry(target: pd.DataFrame, source: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Give ``target`` the school-level values of ``source`` (blank where any blank)."""
    if not variables or "IDSCHOOL" not in target or "IDSCHOOL" not in source:
        return target
    out = target.copy()
    for variable in variables:
        first = source.groupby("IDSCHOOL")[variable].first()
        spread = source.groupby("IDSCHOOL")[variable].agg(
            lambda s: s.isna().any() or s.nunique() > 1
        )
        values = first.astype("object").where(~spread, None)
        out[variable] = out["IDSCHOOL"].map(values).astype("object")
        out[variable] = out[variable].where(out[variable].notna(), None)
    return out


def _unit_of(table: pd.DataFrame, variable: str, units: Sequence[str]) -> str | None:
    """The first unit column within which ``variable`` is constant, else ``None``."""
    for unit in units:
        if unit in table.columns and unit != variable:
            codes = pd.Series(pd.factorize(table[variable].astype("object"))[0], index=table.index)
            if (codes.groupby(table[unit].to_numpy()).nunique() <= 1).all():
                return unit
    return None


def _nested(pairs, parent_map: Mapping, rng: np.random.Generator, what: str) -> dict:
    """``parent_new * 100 + rank`` for children in random order within each parent."""
    out: dict = {}
    by_parent: dict = {}
    for parent, child in pairs:
        by_parent.setdefault(parent, []).append(child)
    for parent, children in by_parent.items():
        children = sorted(set(children), key=str)
        if len(children) > 99:
            raise ValueError(
                f"rekey: {len(children)} {what}s in one unit ({parent}); IEA IDs "
                "hold at most 99 (IDSCHOOL * 100 + n)."
            )
        base = parent_map[parent]
        for rank, child in zip(rng.permutation(len(children)) + 1, children, strict=True):
            out[(parent, child)] = int(base) * 100 + int(rank)
    return out


def _need(function: str, table: pd.DataFrame, columns: Sequence[str]) -> None:
    absent = [c for c in columns if c not in table.columns]
    if absent:
        raise KeyError(
            f"{function}: the table has no columns {absent} (columns: "
            f"{list(table.columns)[:10]}...); name quasi-identifiers the file has "
            "in stages.release.quasi_identifiers."
        )
