"""The register of recommendations (§25.3) and their follow-up (§26.3–26.4).

Researchers edit one YAML file per cycle, ``parameters/recommendations/<cycle>.yaml``
(the demo's is the example): each recommendation has an ``id``, its text in ky and ru (en
optional), the ``addressee``, the ``finding`` and the ``table`` it rests on, a
``priority``, a ``due`` date, optionally the ``indicator`` it aims at (a catalog table, a
filter, a column and the direction wanted), and a list of ``followups`` (``date, status,
evidence, reported_by``) that only ever grows.

Every stage run syncs the file into an append-only ledger,
``outputs/recommendations/history.jsonl`` (one JSON record per line, each carrying the
SHA-256 of the previous line, so a rewritten line breaks the chain): new follow-ups are
appended; a follow-up already recorded that the file now changes or removes is **refused**
with a message naming the file, the recommendation and the follow-up; a changed
recommendation text is recorded as a new version (the old one stays in the ledger). The
ledger is the history the results database and the archive keep.

The follow-up report shows per cycle and addressee what was recommended, done, in
progress and overdue, and — once the next cycle has run — the indicator before (the cycle
of the recommendation) and after (the next cycle).

Examples
--------
>>> STATUSES
('planned', 'in_progress', 'done', 'not_done', 'dropped')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import yaml

from workbench.atomic import write_with
from workbench.labels import LANGS
from workbench.paths import outputs_root

__all__ = [
    "STATUSES",
    "read_register",
    "sync",
    "ledger_path",
    "history",
    "followup_report",
    "indicator_value",
    "summary",
    "RegisterError",
]

STATUSES = ("planned", "in_progress", "done", "not_done", "dropped")
PRIORITIES = ("high", "medium", "low")
_FOLLOWUP = ("date", "status", "evidence", "reported_by")


class RegisterError(ValueError):
    """A register that cannot be used, or an attempt to rewrite recorded history."""


def ledger_path() -> Path:
    """``outputs/recommendations/history.jsonl`` (``$WORKBENCH_OUTPUTS`` moves it)."""
    return outputs_root() / "recommendations" / "history.jsonl"


def read_register(path: str | Path) -> dict:
    """Read and check a register file; return ``{"cycle": ..., "recommendations": [...]}``."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise RegisterError(
            f"read_register: {path}: cannot be read ({err}); fix the YAML."
        ) from err
    recs = raw.get("recommendations")
    if not isinstance(raw.get("cycle"), str) or not isinstance(recs, list):
        raise RegisterError(
            f"read_register: {path}: needs 'cycle: <id>' and a list "
            "'recommendations:'; see parameters/recommendations/sabat6-demo.yaml."
        )
    seen = set()
    for number, rec in enumerate(recs, 1):
        where = f"{path}: recommendations[{number}]"
        if not isinstance(rec, dict) or not rec.get("id"):
            raise RegisterError(f"read_register: {where}: needs an 'id'.")
        if rec["id"] in seen:
            raise RegisterError(f"read_register: {where}: id {rec['id']} is used twice.")
        seen.add(rec["id"])
        text = rec.get("text") or {}
        if not all(str(text.get(lang, "")).strip() for lang in ("ky", "ru")):
            raise RegisterError(f"read_register: {where} ({rec['id']}): text needs ky and ru.")
        for key in ("addressee", "finding", "table", "due"):
            if not rec.get(key):
                raise RegisterError(f"read_register: {where} ({rec['id']}): '{key}' is missing.")
        if rec.get("priority", "medium") not in PRIORITIES:
            raise RegisterError(
                f"read_register: {where} ({rec['id']}): priority must be one "
                f"of {', '.join(PRIORITIES)} (got {rec.get('priority')!r})."
            )
        _date(rec["due"], f"{where} ({rec['id']}): due")
        for index, follow in enumerate(rec.get("followups") or [], 1):
            at = f"{where} ({rec['id']}): followups[{index}]"
            if not isinstance(follow, dict) or set(_FOLLOWUP) - set(follow):
                raise RegisterError(f"read_register: {at}: needs {', '.join(_FOLLOWUP)}.")
            if follow["status"] not in STATUSES:
                raise RegisterError(
                    f"read_register: {at}: status must be one of "
                    f"{', '.join(STATUSES)} (got {follow['status']!r})."
                )
            _date(follow["date"], f"{at}: date")
    return {"cycle": raw["cycle"], "recommendations": recs, "path": str(path)}


def sync(
    register: Mapping, *, ledger: Path | None = None, when: dt.datetime | None = None
) -> pd.DataFrame:
    """Append the register's new recommendations, versions and follow-ups to the ledger.

    Returns what was appended (``kind, cycle, id, number``). Raises :class:`RegisterError`
    if a recorded follow-up was changed or removed, or the ledger's chain is broken.

    Checked against
    ---------------
    Rewriting a recorded follow-up is refused and the ledger is left as it was;
    ``tests/test_release_register.py``.
    """
    ledger = Path(ledger) if ledger else ledger_path()
    records = _read_ledger(ledger)
    cycle, source = register["cycle"], register.get("path", "the register")
    recorded = {}
    versions = {}
    for r in records:
        if r["cycle"] != cycle:
            continue
        if r["kind"] == "followup":
            recorded[(r["id"], r["number"])] = r["data"]
        else:
            versions[r["id"]] = r["data"]
    new: list[dict] = []
    for rec in register["recommendations"]:
        follows = rec.get("followups") or []
        for (rec_id, number), data in recorded.items():
            if rec_id != rec["id"]:
                continue
            if number > len(follows):
                raise RegisterError(
                    f"sync: {source}: recommendation {rec_id}: follow-up {number} "
                    f"({data['date']}, {data['status']}) was recorded and is now missing; "
                    "follow-ups are never removed — add a new one instead."
                )
            if _clean(follows[number - 1]) != data:
                raise RegisterError(
                    f"sync: {source}: recommendation {rec_id}: follow-up {number} "
                    f"({data['date']}, {data['status']}) was recorded and has been changed; "
                    "history is append-only — restore it and add a new follow-up."
                )
        body = _clean({k: v for k, v in rec.items() if k != "followups"})
        if versions.get(rec["id"]) != body:
            new.append(
                {
                    "kind": "recommendation",
                    "cycle": cycle,
                    "id": rec["id"],
                    "number": 0,
                    "data": body,
                }
            )
        for number, follow in enumerate(follows, 1):
            if (rec["id"], number) not in recorded:
                new.append(
                    {
                        "kind": "followup",
                        "cycle": cycle,
                        "id": rec["id"],
                        "number": number,
                        "data": _clean(follow),
                    }
                )
    missing = sorted({i for i, _ in recorded} - {r["id"] for r in register["recommendations"]})
    if missing:
        raise RegisterError(
            f"sync: {source}: recommendations {', '.join(missing)} have "
            "recorded follow-ups and were removed; keep them (status dropped)."
        )
    if new:
        stamp = (when or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        previous = records[-1]["sha256"] if records else ""
        lines = []
        for record in new:
            record = {**record, "recorded_utc": stamp, "previous": previous}
            record["sha256"] = _digest(record)
            previous = record["sha256"]
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
        old = ledger.read_text(encoding="utf-8") if ledger.exists() else ""
        write_with(
            ledger,
            lambda tmp: tmp.write_text(old + "".join(f"{x}\n" for x in lines), encoding="utf-8"),
        )
    return pd.DataFrame(
        [{k: r[k] for k in ("kind", "cycle", "id", "number")} for r in new],
        columns=["kind", "cycle", "id", "number"],
    )


def history(*, ledger: Path | None = None, cycles: Sequence[str] | None = None) -> pd.DataFrame:
    """The ledger as a table: ``recorded_utc, kind, cycle, id, number, ...`` (flattened)."""
    records = _read_ledger(Path(ledger) if ledger else ledger_path())
    rows = []
    for r in records:
        if cycles and r["cycle"] not in cycles:
            continue
        data = r["data"]
        row = {
            "recorded_utc": r["recorded_utc"],
            "kind": r["kind"],
            "cycle": r["cycle"],
            "id": r["id"],
            "number": r["number"],
            "sha256": r["sha256"],
        }
        row.update(
            {
                k: data.get(k)
                for k in (
                    "addressee",
                    "priority",
                    "due",
                    "finding",
                    "table",
                    "date",
                    "status",
                    "evidence",
                    "reported_by",
                )
            }
        )
        for lang in LANGS:
            row[f"text_{lang}"] = (data.get("text") or {}).get(lang)
        row["indicator"] = (
            json.dumps(data["indicator"], ensure_ascii=False) if data.get("indicator") else None
        )
        rows.append(row)
    columns = [
        "recorded_utc",
        "kind",
        "cycle",
        "id",
        "number",
        "addressee",
        "priority",
        "due",
        "finding",
        "table",
        "date",
        "status",
        "evidence",
        "reported_by",
        "text_ky",
        "text_ru",
        "text_en",
        "indicator",
        "sha256",
    ]
    return pd.DataFrame(rows, columns=columns).astype({c: "object" for c in columns})


def indicator_value(cycle: str, spec: Mapping | None) -> float | None:
    """The indicator ``{"table", "filter": {col: value}, "column"}`` in ``cycle`` (or None)."""
    if not spec:
        return None
    from workbench.catalog import read_optional

    try:
        table = read_optional(cycle, spec["table"])
    except (KeyError, OSError, ValueError):
        return None
    if table is None:
        return None
    for column, value in (spec.get("filter") or {}).items():
        if column not in table.columns:
            return None
        table = table[table[column].astype(str) == str(value)]
    column = spec.get("column", "estimate")
    if not len(table) or column not in table.columns:
        return None
    return float(table[column].iloc[0])


def followup_report(
    ledger_table: pd.DataFrame,
    *,
    today: dt.date,
    lang: str,
    next_cycles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per recommendation: latest follow-up, overdue flag, indicator before and after.

    ``next_cycles``: ``{cycle: its next cycle}`` (the next cycle's results give the
    indicator "after"). Returns ``cycle, addressee, id, priority, due, recommendation,
    status, last_followup, followups, overdue, indicator_before, indicator_after, change,
    aim`` and ``recommendation_ky``, ``_ru``, ``_en`` (the text in each language; ``ru``,
    then ``ky`` where the register has none in that language); ``recommendation`` is the one
    of ``lang``.
    """
    if lang not in LANGS:
        raise ValueError(f"followup_report: unknown language {lang!r}.")
    rows = []
    recs = ledger_table[ledger_table["kind"] == "recommendation"]
    latest = recs.groupby(["cycle", "id"], sort=False).tail(1)
    follows = ledger_table[ledger_table["kind"] == "followup"]
    for rec in latest.to_dict("records"):
        mine = follows[(follows["cycle"] == rec["cycle"]) & (follows["id"] == rec["id"])]
        mine = mine.sort_values(["date", "number"], kind="stable")
        status = mine["status"].iloc[-1] if len(mine) else "planned"
        due = _date(rec["due"], "due")
        spec = json.loads(rec["indicator"]) if isinstance(rec.get("indicator"), str) else None
        before = indicator_value(rec["cycle"], spec)
        later = (next_cycles or {}).get(rec["cycle"])
        after = indicator_value(later, spec) if later else None
        texts = {x: _text_in(rec, x) for x in LANGS}
        rows.append(
            {
                "cycle": rec["cycle"],
                "addressee": rec["addressee"],
                "id": rec["id"],
                "priority": rec["priority"] if isinstance(rec["priority"], str) else "medium",
                "due": due.isoformat(),
                "recommendation": texts[lang],
                "status": status,
                "last_followup": mine["date"].iloc[-1] if len(mine) else None,
                "followups": len(mine),
                "overdue": bool(due < today and status not in ("done", "dropped")),
                "indicator_before": before,
                "indicator_after": after,
                "change": after - before if before is not None and after is not None else None,
                "aim": (spec or {}).get("aim"),
                **{f"recommendation_{x}": texts[x] for x in LANGS},
            }
        )
    columns = [
        "cycle",
        "addressee",
        "id",
        "priority",
        "due",
        "recommendation",
        "status",
        "last_followup",
        "followups",
        "overdue",
        "indicator_before",
        "indicator_after",
        "change",
        "aim",
        *(f"recommendation_{x}" for x in LANGS),
    ]
    out = pd.DataFrame(rows, columns=columns)
    for column in ("indicator_before", "indicator_after", "change"):
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out.sort_values(["cycle", "addressee", "id"], kind="stable").reset_index(drop=True)


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """Per cycle and addressee: ``recommended, done, in_progress, overdue``."""
    if report.empty:
        return pd.DataFrame(
            columns=["cycle", "addressee", "recommended", "done", "in_progress", "overdue"]
        )
    return report.groupby(["cycle", "addressee"], as_index=False).agg(
        recommended=("id", "size"),
        done=("status", lambda s: int((s == "done").sum())),
        in_progress=("status", lambda s: int((s == "in_progress").sum())),
        overdue=("overdue", "sum"),
    )


# ----------------------------------------------------------------------------- helpers
def _text_in(record: Mapping, lang: str) -> str:
    """The recommendation's text in ``lang``; else in Russian, else in Kyrgyz (both required)."""
    return next(
        (
            record[f"text_{x}"]
            for x in (lang, "ru", "ky")
            if isinstance(record.get(f"text_{x}"), str) and record[f"text_{x}"]
        ),
        "",
    )


def _read_ledger(ledger: Path) -> list[dict]:
    if not ledger.exists():
        return []
    records, previous = [], ""
    for number, line in enumerate(ledger.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise RegisterError(
                f"sync: {ledger} line {number} is not JSON ({err}); the "
                "ledger was edited by hand — restore it from the archive."
            ) from err
        body = {k: v for k, v in record.items() if k != "sha256"}
        if record.get("previous") != previous or _digest(body) != record.get("sha256"):
            raise RegisterError(
                f"sync: {ledger} line {number}: the checksum chain is broken "
                "(a recorded line was changed or removed); restore the ledger "
                "from the archive."
            )
        previous = record["sha256"]
        records.append(record)
    return records


def _digest(record: Mapping) -> str:
    body = {k: v for k, v in record.items() if k != "sha256"}
    return hashlib.sha256(
        json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()


def _clean(value):
    """Dates as ISO strings, so the YAML and the ledger compare equal."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise RegisterError(
            f"read_register: {where}: {value!r} is not a date (YYYY-MM-DD)."
        ) from err
