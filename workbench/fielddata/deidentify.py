"""De-identification of verified field data (field-data stage).

Direct identifiers (names, birth dates, personal numbers) never leave this stage: they are
dropped, and ids are replaced by keyed-hash pseudonyms (HMAC-SHA256). The key lives in a
file outside ``outputs/`` (created with :mod:`secrets` when missing). The same key gives the
same pseudonym for the same id in every table and every run; without the key a pseudonym
cannot be linked back to the id. :func:`scan_for_identifiers` checks a folder of outputs
for any leaked name, birth date or personal number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import json
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from workbench.fielddata.quarantine import atomic_write

__all__ = [
    "DIRECT_IDENTIFIERS",
    "load_key",
    "pseudonymize",
    "drop_identifiers",
    "scan_for_identifiers",
]

#: Default column names treated as direct identifiers (matched case-insensitively).
DIRECT_IDENTIFIERS = (
    "NAME",
    "FIRST_NAME",
    "LAST_NAME",
    "SURNAME",
    "PATRONYMIC",
    "FULL_NAME",
    "STUDENT_NAME",
    "TEACHER_NAME",
    "BIRTHDATE",
    "BIRTH_DATE",
    "DATE_OF_BIRTH",
    "DOB",
    "PIN",
    "INN",
    "PERSONAL_NUMBER",
    "PASSPORT",
    "PHONE",
    "EMAIL",
    "ADDRESS",
)
_TEXT_SUFFIXES = {
    ".txt",
    ".csv",
    ".tsv",
    ".md",
    ".html",
    ".htm",
    ".json",
    ".ipynb",
    ".py",
    ".yaml",
    ".yml",
    ".log",
    ".xml",
    ".svg",
    ".tex",
    ".r",
    ".sql",
}
_TOKEN_RE = re.compile(r"[^\W_]+(?:[.\-/][^\W_]+)*")


def load_key(path: str | Path, *, create: bool = True) -> bytes:
    """Read (or create) the pseudonymization key; refuse a key inside an ``outputs`` folder.

    Parameters
    ----------
    path
        Key file (hex text). Must not lie under any folder named ``outputs``.
    create
        Create a new random 256-bit key (``secrets.token_bytes``) when the file is missing,
        readable by its owner only.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    ValueError
        The path is inside ``outputs/``, or the file is not a hex key.
    FileNotFoundError
        The file is missing and ``create=False``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "keys" / "pseudonym.key"
    >>> load_key(p) == load_key(p)
    True
    >>> load_key(pathlib.Path(tempfile.mkdtemp()) / "outputs" / "k.key")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: load_key: the key file is inside an 'outputs' folder (.../outputs/k.key); ...
    """
    path = Path(path).expanduser()
    if "outputs" in path.resolve().parts:
        shown = f".../outputs/{path.name}"
        raise ValueError(
            f"load_key: the key file is inside an 'outputs' folder ({shown}); "
            "keep it outside outputs/, e.g. ~/.sapat/pseudonym.key"
        )
    if not path.exists():
        if not create:
            raise FileNotFoundError(
                f"load_key: no key file ({path}); pass create=True or copy the cycle's key there"
            )
        key_hex = secrets.token_bytes(32).hex()
        atomic_write(
            path,
            lambda tmp: (tmp.write_text(key_hex + "\n", encoding="ascii"), os.chmod(tmp, 0o600)),
        )
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise ValueError(
            f"load_key: the key file is not hex text ({path}); restore it "
            "from the backup or delete it to create a new key"
        ) from None
    if len(key) < 16:
        raise ValueError(f"load_key: key too short ({len(key)} bytes, {path}); use >= 16")
    return key


def pseudonymize(
    data: pd.DataFrame,
    *,
    columns: Iterable[str],
    key: bytes,
    length: int = 12,
    cycle: str | None = None,
) -> pd.DataFrame:
    """Replace id columns by stable keyed-hash pseudonyms (HMAC-SHA256, hex, truncated).

    The hashed message is ``"<cycle>:<column>:<value>"`` (``"<column>:<value>"`` without a
    cycle) with whole numbers written without ``.0``, so an IDSCHOOL gets the same
    pseudonym in the student and the school table of a cycle, and another one in another
    cycle unless linkage across cycles is asked for (``cycle=None``).

    Parameters
    ----------
    data
        Table with the id columns; not modified.
    columns
        Columns to pseudonymize.
    key
        From :func:`load_key`.
    length
        Hex characters kept (12 = 48 bits; collisions are checked and raise).
    cycle
        The cycle id, part of the hashed message (None: pseudonyms shared across cycles).

    Returns
    -------
    pandas.DataFrame
        Copy of ``data`` with the id columns as text pseudonyms (missing stays missing).

    Raises
    ------
    KeyError
        A column is absent.
    ValueError
        Two ids got the same pseudonym (raise ``length``).

    Examples
    --------
    >>> df = pd.DataFrame({"IDSTUD": [1001, 1002, 1001]})
    >>> out = pseudonymize(df, columns=["IDSTUD"], key=b"k" * 32, length=8)
    >>> out["IDSTUD"].tolist()
    ['7f914c71', '0826d9a0', '7f914c71']
    >>> other = pseudonymize(df, columns=["IDSTUD"], key=b"k" * 32, length=8, cycle="c2028")
    >>> other["IDSTUD"].iloc[0] != out["IDSTUD"].iloc[0]
    True
    """
    columns = list(columns)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(
            f"pseudonymize: columns {missing} not in data (columns: "
            f"{list(data.columns)[:10]}); pass existing id columns"
        )
    out = data.copy()
    for col in columns:
        text = _id_text(out[col])
        uniq = pd.unique(text.dropna())
        prefix = f"{cycle}:{col}" if cycle is not None else col
        codes = {
            v: hmac.new(key, f"{prefix}:{v}".encode(), hashlib.sha256).hexdigest()[:length]
            for v in uniq
        }
        if len(set(codes.values())) < len(codes):
            raise ValueError(
                f"pseudonymize: two ids of {col!r} share a pseudonym at "
                f"length={length}; pass a larger length"
            )
        out[col] = text.map(codes).astype("str")
    return out


def drop_identifiers(
    data: pd.DataFrame, *, columns: Iterable[str] = DIRECT_IDENTIFIERS
) -> pd.DataFrame:
    """Drop direct-identifier columns (matched case-insensitively, ignoring spaces).

    Parameters
    ----------
    data
        Table; not modified.
    columns
        Identifier column names (default :data:`DIRECT_IDENTIFIERS`; add the schema's
        ``Schema.identifiers``).

    Returns
    -------
    pandas.DataFrame
        ``data`` without those columns.

    Examples
    --------
    >>> df = pd.DataFrame({"IDSTUD": [1], "Name": ["Aida"], "birth_date": ["2013-05-14"]})
    >>> list(drop_identifiers(df).columns)
    ['IDSTUD']
    """
    wanted = {_norm_name(c) for c in columns}
    return data.drop(columns=[c for c in data.columns if _norm_name(c) in wanted])


def scan_for_identifiers(
    root: str | Path,
    values: Mapping[str, Iterable] | Iterable,
    *,
    min_length: int = 4,
    patterns: bool = True,
    paths: Iterable[str | Path] = (),
) -> pd.DataFrame:
    """Find personal data anywhere under ``root``: the delivery's values, and patterns.

    Scans text files (csv, tsv, txt, md, json, yaml, py, log, xml, svg), HTML (entities
    decoded), notebooks (``.ipynb``: every string in the JSON) and Parquet (every cell and
    column name). A value matches when it appears as whole words, case-insensitively;
    dates are also searched as ``dd.mm.yyyy``. With ``patterns``, any Kyrgyz personal
    number (PIN: 14 digits starting 1 or 2) and phone number (``+996`` and 9 digits, or a
    mobile number ``0 5xx``, ``0 7xx``, ``0 9xx``, ``0 22x`` and 6 digits, with or without
    spaces and dashes) matches too, whatever its source, except in Parquet columns of
    codes (``ID*``, ``*_id``), which are searched by value only. Other files (images, xlsx,
    ...) are not read.

    Parameters
    ----------
    root
        Folder to scan recursively (e.g. ``outputs/<cycle>``).
    values
        Identifiers to look for: ``{kind: values}`` (``{"name": [...], "birth_date":
        [...]}``) or a plain iterable (kind ``"identifier"``). Values shorter than
        ``min_length`` characters are skipped.
    min_length
        Shortest value searched for.
    patterns
        Also look for PINs and phone numbers by their shape.
    paths
        Local folders that must not appear in outputs (kind ``absolute path``).

    Returns
    -------
    pandas.DataFrame
        One row per finding: ``file, location, kind, match`` (``match`` gives only the
        length, so the findings table does not leak the value itself). Empty when nothing is
        found.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "table.csv").write_text("id,score\\nAizada Toktogulova,512\\n")
    >>> scan_for_identifiers(d, {"name": ["Aizada Toktogulova"]}).values.tolist()
    [['table.csv', 'line 2', 'name', '18 chars']]
    >>> _ = (d / "notes.md").write_text("call +996 555 123 456 or 21505201300123\\n")
    >>> scan_for_identifiers(d, {})["kind"].tolist()
    ['PIN (personal number)', 'phone number']
    """
    needles = _needles(values, min_length)
    root = Path(root)
    width = max((k.count(" ") + 1 for k in needles), default=1)
    local = [str(Path(p)) for p in paths if str(p).strip("/")]
    firsts = {k.split(" ", 1)[0] for k in needles}
    findings = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        for location, block in _texts(path):
            if not _may_hit(block, firsts, patterns, local):
                continue
            pieces = (
                enumerate(block.splitlines(), start=1) if location == "lines" else [(None, block)]
            )
            for lineno, text in pieces:
                where = f"line {lineno}" if lineno is not None else location
                for kind, hit in _hits(text, where, needles, width, patterns, local):
                    findings.append((str(path.relative_to(root)), where, kind, f"{len(hit)} chars"))
    return pd.DataFrame(findings, columns=["file", "location", "kind", "match"])


_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")

#: Parquet columns of codes (``IDSTUD``, ``student_id``): shapes are not looked for there
#: (a 10-digit code is not a phone number); their values are still matched by value
_ID_COLUMN = re.compile(r"^column (?:ID\w*|\w*_id|JK\w*)$", re.IGNORECASE)

#: shapes of personal data looked for in every output, whatever the delivery held
PATTERNS = {
    "PIN (personal number)": re.compile(r"(?<![\w.,])[12]\d{13}(?![\w.,])"),
    "phone number": re.compile(
        r"(?<![\w.,+])(?:\+996[ \-]?\(?[2-9]\d{2}\)?|0[ \-]?\(?(?:5\d\d|7\d\d|9\d\d|22\d)\)?)"
        r"(?:[ \-]?\d){6}(?![\w.,])"
    ),
}


def _may_hit(block: str, firsts: set[str], patterns: bool, local: list[str]) -> bool:
    """A fast test on a whole file or column: could any needle, shape or path be there?"""
    if any(p in block for p in local):
        return True
    if patterns and any(rx.search(block) for rx in PATTERNS.values()):
        return True
    return bool(firsts) and not firsts.isdisjoint(_TOKEN_RE.findall(block.casefold()))


def _hits(
    text: str, where: str, needles: dict[str, str], width: int, patterns: bool, local: list[str]
) -> list[tuple[str, str]]:
    hits = [(needles[h], h) for h in _find(text, needles, width)] if needles else []
    if patterns and not _ID_COLUMN.match(where):
        hits += [
            (kind, m.group(0))
            for kind, rx in PATTERNS.items()
            for m in rx.finditer(text)
            if " ".join(_TOKEN_RE.findall(m.group(0).casefold())) not in needles
        ]
    hits += [("absolute path", p) for p in local if p in text]
    return list(dict.fromkeys(hits))


def looks_personal(text: str) -> bool:
    """Whether a cell looks like personal data: a PIN, a phone number, or words of letters
    (a name) — for deciding what a published issue list may quote.

    Examples
    --------
    >>> [looks_personal(t) for t in ["7", "E", "20", "+996 555 12 34 56", "Асанова Айгерим"]]
    [False, False, False, True, True]
    """
    text = str(text).strip()
    if any(rx.search(text) for rx in PATTERNS.values()):
        return True
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 4 or len(text) > 12


# ----------------------------------------------------------------------------- helpers


def _id_text(series: pd.Series) -> pd.Series:
    """Ids as text: whole numbers without ``.0``, missing as None."""

    def one(value: object) -> str | None:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    return series.astype(object).map(one)


def _norm_name(name: object) -> str:
    return re.sub(r"[\s_\-]+", "_", str(name).strip()).casefold()


def _needles(values: Mapping[str, Iterable] | Iterable, min_length: int) -> dict[str, str]:
    groups = values.items() if isinstance(values, Mapping) else [("identifier", values)]
    needles: dict[str, str] = {}
    for kind, vals in groups:
        for v in vals:
            for form in _forms(v):
                if len(form) >= min_length:
                    needles[" ".join(_TOKEN_RE.findall(form.casefold()))] = kind
    needles.pop("", None)
    return needles


def _forms(value: object) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    if isinstance(value, dt.date | pd.Timestamp):
        day = pd.Timestamp(value)
        return [day.strftime("%Y-%m-%d"), day.strftime("%d.%m.%Y")]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return [text, f"{text[8:10]}.{text[5:7]}.{text[:4]}"]
    return [text]


def _find(text: str, needles: dict[str, str], width: int) -> list[str]:
    tokens = _TOKEN_RE.findall(text.casefold())
    hits = []
    for n in range(1, width + 1):
        for i in range(len(tokens) - n + 1):
            gram = " ".join(tokens[i : i + n])
            if gram in needles:
                hits.append(gram)
    return list(dict.fromkeys(hits))


def _distinct_texts(column: pd.Series) -> list[str]:
    """The distinct values of a column as text; numbers only when whole (an ID, a PIN)."""
    values = pd.unique(column.dropna())
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return [str(int(v)) for v in values if float(v).is_integer()]
    return [str(v) for v in values]


def _texts(path: Path) -> Iterable[tuple[str, str]]:
    """Yield (location, text) pieces of a file worth scanning."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        yield "column names", " | ".join(table.column_names)
        for name in table.column_names:
            yield f"column {name}", "\n".join(_distinct_texts(table.column(name).to_pandas()))
        return
    if suffix not in _TEXT_SUFFIXES:
        return
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if suffix in (".ipynb", ".json"):
        try:
            yield "json", "\n".join(_json_strings(json.loads(text)))
            return
        except json.JSONDecodeError:
            pass
    if suffix in (".html", ".htm", ".svg", ".xml"):
        text = html.unescape(_DATA_URI.sub("data:", text))
    yield "lines", text


def _json_strings(obj: object) -> Iterable[str]:
    if isinstance(obj, str):
        yield html.unescape(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if str(k).startswith("image/"):  # base64 pictures hold no text
                continue
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _json_strings(v)
