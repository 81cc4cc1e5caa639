"""Install: pins agree between pyproject.toml, environment.yml and the lock; CI runs make test."""

from __future__ import annotations

import tomllib

import yaml

from tests.conftest import ROOT


def pyproject_pins() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])


def test_every_direct_dependency_is_pinned_exactly():
    for requirement in pyproject_pins():
        assert "==" in requirement, requirement


def test_environment_yml_lists_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert set(pip) - {"-e ."} == pyproject_pins()
    assert "python=3.11" in env["dependencies"]


def test_lock_file_agrees_with_the_pins():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version.strip()
    for requirement in pyproject_pins():
        name, version = requirement.split("==")
        assert lock.get(name.lower().replace("_", "-")) == version, requirement


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()


def test_outputs_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "/outputs/" in ignored and "/fieldwork/" in ignored and "*.ipynb" in ignored
