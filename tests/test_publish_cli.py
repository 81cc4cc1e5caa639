"""`workbench render` and the runner's render step: rendering never reruns a stage.

The analytical report is rendered from stored tables by its own command; the publication's
code (workbench/publish, texts/report.yaml) is left out of the stages' fingerprint and
``report_languages`` is not a stage parameter, so changing either re-renders only.
"""

from __future__ import annotations

from tests.test_publish import _write_cycle, synthetic_tables
from workbench.paths import PROJECT_ROOT


def test_workbench_render_writes_every_language_from_stored_tables(tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    monkeypatch.setenv("WORKBENCH_OUTPUTS", str(tmp_path))
    _write_cycle(tmp_path, "sabat6-demo", synthetic_tables())
    code = main(
        [
            "render",
            str(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml"),
            "--lang",
            "ru",
            "en",
            "--no-pdf",
        ]
    )
    assert code == 0
    folder = tmp_path / "sabat6-demo" / "publication"
    assert sorted(p.name for p in folder.glob("report.*.html")) == [
        "report.en.html",
        "report.ru.html",
    ]
    assert "analytical report in ru, en" in capsys.readouterr().out


def test_render_of_a_cycle_without_parameters_file_says_so(capsys):
    from workbench.cli import main

    assert main(["render", "parameters/no-such-cycle.yaml", "--no-pdf"]) == 2
    assert "no such parameter file" in capsys.readouterr().err


def test_publication_code_and_languages_are_not_part_of_a_stage_fingerprint():
    from workbench.params import load_params
    from workbench.provenance import code_files

    files = code_files()
    assert not [f for f in files if f.startswith("workbench/publish/")]
    assert "workbench/texts/report.yaml" not in files and "workbench/run.py" in files
    params = load_params(PROJECT_ROOT / "parameters" / "sabat6-demo.yaml")
    assert params.report_languages == ["ky", "ru", "en"]
    assert all("report_languages" not in params.stage_params(s) for s in params.stages)
