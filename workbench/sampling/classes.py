"""Second-stage selection: intact classes within sampled schools, with equal probability.

Serves the sample-design stage (``notebooks/10_sample_design.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.sampling._validate import check_columns, check_ids, check_size, some

__all__ = ["select_classes", "assumed_classes"]


def select_classes(
    classes: pd.DataFrame,
    schools: pd.DataFrame,
    *,
    id: str = "school_id",
    class_id: str = "class_id",
    mos: str = "mos",
    n_classes: int = 1,
    large_mos: float | None = None,
    n_classes_large: int = 2,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Draw intact classes with equal probability within each school.

    Each school in ``schools`` gets ``n_classes`` classes, or ``n_classes_large`` when its
    ``mos`` exceeds ``large_mos`` (IEA national options: two classes in schools with
    MOS > 60 or > 100); a school with fewer classes has all of them taken. Classes are drawn
    by simple random sampling without replacement, so every class of school ``i`` has
    probability ``c_i / C_i``. All students of a sampled class are assessed.

    Parameters
    ----------
    classes
        Class list, one row per class: ``id``, ``class_id`` and any other columns (kept).
    schools
        The schools to sample in, e.g. the ``role == "sampled"`` rows of
        :func:`select_schools`; needs ``id`` (unique) and ``mos``.
    id, class_id
        School and class ID columns (class IDs unique within school).
    mos
        Measure-of-size column of ``schools`` compared with ``large_mos``.
    n_classes, large_mos, n_classes_large
        Classes per school, the MOS above which a school is large, and classes in large
        schools (``large_mos=None``: no large schools).
    seed
        Seed or generator.

    Returns
    -------
    pandas.DataFrame
        One row per sampled class, schools in the order of ``schools``: the columns of
        ``classes``, then ``n_classes`` (classes in the school), ``n_sampled`` and
        ``class_probability`` (= n_sampled / n_classes; class base weight is its inverse).

    Raises
    ------
    KeyError
        A named column is missing.
    ValueError
        Duplicate school IDs in ``schools``, duplicate classes, or sampled schools with no
        class in ``classes``.

    Notes
    -----
    Checked against: selection frequencies over repeated draws equal ``c_i / C_i``
    (``tests/test_sampling.py::test_class_selection_is_equal_probability``).

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.sampling import select_classes
    >>> classes = pd.DataFrame({"school_id": ["a", "a", "a", "b", "b", "c"],
    ...                         "class_id": ["6A", "6B", "6C", "6A", "6B", "6A"],
    ...                         "enrol": [25, 24, 26, 18, 20, 9]})
    >>> schools = pd.DataFrame({"school_id": ["a", "b", "c"], "mos": [75, 38, 9]})
    >>> out = select_classes(classes, schools, large_mos=60, seed=2)
    >>> out[["school_id", "n_classes", "n_sampled", "class_probability"]].round(3)
      school_id  n_classes  n_sampled  class_probability
    0         a          3          2              0.667
    1         a          3          2              0.667
    2         b          2          1              0.500
    3         c          1          1              1.000
    """
    check_columns(classes, {"id": [id], "class_id": [class_id]}, "select_classes")
    check_columns(schools, {"id": [id], "mos": [mos]}, "select_classes")
    sch = schools
    check_ids(sch, id, "select_classes")
    size = check_size(sch, mos, id, "select_classes")
    dup = classes.duplicated([id, class_id], keep=False)
    if dup.any():
        raise ValueError(
            f"select_classes: duplicate classes ({id}, {class_id}) in schools "
            f"{some(classes.loc[dup, id].unique())}; class IDs must be unique "
            "within a school"
        )
    missing = sch.loc[~sch[id].isin(set(classes[id])), id]
    if len(missing):
        raise ValueError(
            f"select_classes: schools with no classes in the class list "
            f"{some(missing)}; add their classes or drop the schools"
        )
    wanted = np.full(len(sch), n_classes)
    if large_mos is not None:
        wanted = np.where(size > large_mos, n_classes_large, n_classes)
    school_all = pd.Index(sch[id]).get_indexer(classes[id])
    cand = classes[school_all >= 0].reset_index(drop=True)
    school = school_all[school_all >= 0]
    within = _random_rank(school, np.random.default_rng(seed))
    total = np.bincount(school, minlength=len(sch))
    take = np.minimum(wanted, total)
    keep = within < take[school]
    out = cand[keep].copy()
    s = school[keep]
    out["n_classes"] = total[s]
    out["n_sampled"] = take[s]
    out["class_probability"] = take[s] / total[s]
    return out.iloc[np.lexsort([out[class_id].astype(str).to_numpy(), s])].reset_index(drop=True)


def _random_rank(group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random order 0, 1, ... of the rows within each group."""
    order = np.lexsort([rng.random(group.size), group])
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(group.size), 0))
    within = np.empty(group.size, dtype=int)
    within[order] = np.arange(group.size) - start
    return within


def assumed_classes(
    frame: pd.DataFrame,
    *,
    id: str = "school_id",
    size: str = "enrol_g6",
    n_classes: str = "n_classes_g6",
    class_size: int = 25,
    language: str = "language",
) -> pd.DataFrame:
    """Classes of every frame school as planning assumes them, before any class list is back:
    ``n_classes`` classes if the register has that column, else ``ceil(size / class_size)``,
    the enrolment split evenly; ``class_language`` from ``language`` when the register has it.
    Serves the design evaluation of a real register (the class lists come after the draw).

    Examples
    --------
    >>> f = pd.DataFrame({"school_id": ["a", "b"], "enrol_g6": [60, 20]})
    >>> assumed_classes(f)[["class_id", "enrol"]].values.tolist()
    [['a01', 20], ['a02', 20], ['a03', 20], ['b01', 20]]
    """
    enrol = pd.to_numeric(frame[size]).astype(int).to_numpy()
    given = pd.to_numeric(frame[n_classes], errors="coerce") if n_classes in frame else None
    count = (
        np.maximum(1, np.ceil(enrol / class_size)).astype(int)
        if given is None
        else np.maximum(1, given.fillna(1).astype(int).to_numpy())
    )
    school = np.repeat(np.arange(len(frame)), count)
    line = np.arange(school.size) - np.repeat(np.cumsum(count) - count, count)
    base, extra = np.divmod(enrol[school], count[school])
    ids = frame[id].astype(str).to_numpy()[school]
    out = pd.DataFrame(
        {
            id: ids,
            "class_id": [f"{s}{k + 1:02d}" for s, k in zip(ids, line, strict=True)],
            "enrol": base + (line < extra),
        }
    )
    if language in frame:
        out["class_language"] = frame[language].to_numpy()[school]
    return out
