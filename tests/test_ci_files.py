"""The shipped GitHub Actions workflow and pre-commit hook run as written on the examples."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import EXAMPLES, ROOT

WORKFLOW = EXAMPLES / "ci" / "kxreport.yml"


def kxreport_commands(job: str) -> list[str]:
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"][job]["steps"]
    return [step["run"] for step in steps if str(step.get("run", "")).startswith("kxreport ")]


def run_in(repo: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A workflow command, run the way a shell in the repository would run it."""
    argv = shlex.split(command)
    expanded: list[str] = []
    for arg in argv:  # the shell's glob expansion
        expanded.extend(
            sorted(str(p.relative_to(repo)) for p in repo.glob(arg)) if "*" in arg else [arg]
        )
    return subprocess.run(
        [sys.executable, "-m", "kxreport", *expanded[1:]],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, reports / example.name)
    return tmp_path


def test_workflow_triggers_and_jobs():
    workflow = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow["on"]) == {"pull_request", "push"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert kxreport_commands("validate") and kxreport_commands("publish")


def test_publish_then_validate_commands_pass_on_the_examples(repo: Path):
    for command in kxreport_commands("publish"):
        done = run_in(repo, command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    assert len(list((repo / "dist").glob("*.docx"))) == len(list(EXAMPLES.glob("*.yaml")))
    for command in kxreport_commands("validate"):
        done = run_in(repo, command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_validate_job_annotates_a_broken_file(repo: Path):
    (repo / "reports" / "2024.yaml").write_text("year: 20xx\n", encoding="utf-8")
    validate = kxreport_commands("validate")[0]
    done = run_in(repo, validate)
    assert done.returncode == 1
    assert "::error file=reports/2024.yaml,line=1,col=7" in done.stdout


def test_pre_commit_hook_entry_runs_on_the_examples(repo: Path):
    (hook,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "kxreport-validate" and hook["language"] == "python"
    files = sorted(str(p.relative_to(repo)) for p in (repo / "reports").glob("*.yaml"))
    import re

    assert all(re.search(hook["files"], f) for f in files)
    done = run_in(repo, hook["entry"] + " " + " ".join(files))
    assert done.returncode == 0, done.stderr
