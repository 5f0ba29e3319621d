"""``fmt`` and ``build --watch`` against hostile files: a rewrite never writes what
``validate`` then refuses (too large, slow or memory-hungry on the way, a file with
errors), bidirectional controls are taken out and nothing else moves, and a year file
swapped for something that is not one is said in Chinese while the watch goes on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.source import MAX_BYTES

from .conftest import DATA, ROOT

runner = CliRunner()
HEAD = (
    "org:\n  name: 示例县科学技术协会\n  level: 县\nyear: 2023\nkind: summary\ndate: 2024-01-10\n"
)


def _items(count: int, line: str) -> str:
    return HEAD + "sections:\n  - kind: party\n    items:\n" + line * count


# --- 1. a rewrite stays a file validate reads, found out early and cheaply ---------------


@pytest.mark.skipif(sys.platform == "win32", reason="address-space limit is POSIX")
def test_a_rewrite_past_the_size_limit_is_refused_before_writing_fast_and_in_little_memory(
    tmp_path,
):
    """4.9 MB of half-width commas: each becomes a 3-byte “，”, the result would pass the
    5 MB limit. Refused before writing, the reason in Chinese, the file untouched; in a
    real process held to 400 MB of address space (the round-trip rewrite peaked near
    600 MB), and in a few seconds of CPU (it took over 20)."""
    line = "      - text: 科普,讲座,培训,宣传,活动,展览,竞赛,论坛,交流,合作\n"
    size = len(HEAD.encode()) + 40
    text = _items((MAX_BYTES - 200 * 1024 - size) // len(line.encode()), line)
    path = tmp_path / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    assert MAX_BYTES - 300 * 1024 < len(before) < MAX_BYTES

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (400 * 1024 * 1024, 400 * 1024 * 1024))

    import resource

    spent = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "kxreport", "fmt", "--punctuation", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        check=False,
    )
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = used.ru_utime + used.ru_stime - spent.ru_utime - spent.ru_stime
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "超过年度文件 5 MB 的上限" in said and "文件未修改" in said, said
    assert "MemoryError" not in said and "Traceback" not in said
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["2023.yaml"]  # no temporary file left
    assert cpu < 10, f"{cpu:.1f} s of CPU to refuse"


def test_a_hundred_thousand_short_values_are_rewritten_in_linear_time(tmp_path):
    """50 000 items, a heading and a text each, every one with a half-width comma: one
    read, text edits, one validation of the result (a round-trip load and two dumps took
    over 30 s of CPU here). The bound is generous; validate alone takes about half."""
    path = tmp_path / "2023.yaml"
    path.write_text(
        HEAD
        + "sections:\n  - kind: party\n    items:\n"
        + "".join(f"      - heading: 第{i}项,好\n        text: 讲座,培训\n" for i in range(50_000)),
        encoding="utf-8",
    )
    from kxreport.fmt import punctuate

    started = time.process_time()
    done = punctuate(path)
    spent = time.process_time() - started
    assert done.changed == 100_000
    text = path.read_text(encoding="utf-8")
    assert "      - heading: 第49999项，好\n        text: 讲座，培训\n" in text
    assert "," not in text.split("sections:")[1]
    assert spent < 15, f"{spent:.1f} s of CPU for 100 000 values"


def test_a_rewrite_kxreport_would_not_read_back_is_refused(tmp_path, monkeypatch):
    """Counts added past the number of values kxreport reads in one file (its guard
    against alias bombs, scaled down here): a generic YAML parser reads the result back
    fine, kxreport's reader refuses it, so fmt must not write it."""
    from kxreport import source

    monkeypatch.setattr(source, "MAX_NODES", 400)
    items = "".join(
        f"      - heading: 第{i}项\n        text: 举办讲座{i + 1}场，培训农民{i + 3}人次。\n"
        for i in range(60)
    )
    path = tmp_path / "2023.yaml"
    path.write_text(HEAD + "sections:\n  - kind: party\n    items:\n" + items, encoding="utf-8")
    before = path.read_bytes()
    assert load(path).ok
    done = runner.invoke(app, ["fmt", "--counts", str(path)])
    assert done.exit_code == 1, done.output
    assert "文件未修改" in done.output and "节点数超过上限" in done.output, done.output
    assert path.read_bytes() == before
    assert load(path).ok


# --- 2. a file with errors is left alone, in every mode -----------------------------------

WITH_ERRORS = {
    # an impossible date: the model refuses it
    "date": (
        HEAD.replace("2024-01-10", "2024-05-32")
        + "overview:\n  text: 臨汾市科協全年举办科普讲座66场,受众5000余人次(含线上)。\n",
        ":6:7: 错误: ",
    ),
    # a blank left unfilled: a content error, in a file that otherwise validates
    "slot": (
        HEAD + "overview:\n  text: 臨汾市科協全年推荐?件作品,举办科普讲座66场(含线上)。\n",
        ":8:",
    ),
}


@pytest.mark.parametrize("case", sorted(WITH_ERRORS))
def test_every_mode_leaves_a_file_validate_rejects_alone_and_says_where(tmp_path, case):
    text, where = WITH_ERRORS[case]
    path = tmp_path / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    assert not load(path).ok
    for mode in (["--simplified"], ["--punctuation"], ["--counts"], ["--simplified", "--counts"]):
        done = runner.invoke(app, ["fmt", *mode, str(path)])
        assert done.exit_code == 1, (mode, done.output)
        assert f"{path}{where}" in done.output, (mode, done.output)  # located, as validate says
        assert "未修改" in done.output and "已把" not in done.output, (mode, done.output)
        assert path.read_bytes() == before, mode
    # an error this very rewrite removes is no reason to refuse it: a value invalid only
    # for its traditional characters is what --simplified is for
    path.write_text(HEAD.replace("level: 县", "level: 縣"), encoding="utf-8")
    assert not load(path).ok
    done = runner.invoke(app, ["fmt", "--simplified", str(path)])
    assert done.exit_code == 0, done.output
    assert path.read_text(encoding="utf-8") == HEAD
    assert load(path).ok


# --- 3. bidirectional controls --------------------------------------------------------------

LAID_OUT = (
    "\ufeff# 临汾市科协 2023 年度文件（四个空格缩进、CRLF，格式不许变）\n"
    "org:\n"
    "    name: 临汾市科学技术协会   # 全称\n"
    "    short_name: '临汾市科协'\n"
    "    level: 市\n"
    "year: 2023\n"
    "kind: summary\n"
    "date: 2024-01-10\n"
    "sections:\n"
    "    -   kind: party\n"
    '        title: "坚持从严治党"\n'
    "        items:\n"
    "            -   heading: 规范\u202e制度建设\n"
    "                text: |\n"
    "                    召开座谈会30余次，\n"
    "                    收集意见建议32项。\n"
    "                counts:\n"
    "                    - {key: forums, label: 召开座谈会, value: 30余次}\n"
    "                    - {key: ideas, label: 收集意见建议, value: 32项}\n"
    "            -   heading: 思想引领\n"
    "                text: 组织开展宣讲报告会12场，\n"
    "                    覆盖党员干部600余人次。\n"
    "                counts: [{key: talks, label: 组织开展宣讲报告会, value: 12场}]\n"
).replace("\n", "\r\n")


def test_a_right_to_left_override_in_a_heading_is_taken_out_and_not_one_other_byte_moves(
    tmp_path,
):
    """Any layout a person writes (four-space indents, CRLF and a BOM, quotes, a value
    broken over lines, flow counts): fmt takes out the RLO and leaves every other byte;
    --counts leaves a file with errors alone, the RLO with it."""
    raw = LAID_OUT.encode("utf-8")
    for mode in ("--simplified", "--punctuation", "--counts"):
        path = tmp_path / f"{mode.strip('-')}.yaml"
        path.write_bytes(raw)
        assert [d.code for d in load(path).errors] == ["bidi-control"]
        done = runner.invoke(app, ["fmt", mode, str(path)])
        if mode == "--counts":
            assert done.exit_code == 1 and "U+202E" in done.output, done.output
            assert path.read_bytes() == raw
            continue
        assert done.exit_code == 0, done.output
        assert "已去掉 1 处文字里改变显示顺序的双向控制字符" in done.output
        assert path.read_bytes() == raw.replace("\u202e".encode(), b"")
        result = load(path)
        assert result.ok and not result.errors, [d.format() for d in result.diagnostics]


# --- 4. --watch and a year file swapped for something else ---------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")
def test_a_year_file_swapped_for_a_link_loop_a_device_or_a_far_fifo_is_said_and_watched_on(
    tmp_path,
):
    """Each swap (a link to itself, a link to /dev/zero, a link to a FIFO in another
    folder, a link to a binary file) is one rebuild that says in Chinese why, and the
    watch goes on to the next change; the whole watch ends within seconds. (A link to
    itself ended the watch with a traceback: ``Path.resolve`` raises on a loop.)"""
    from kxreport.build import Options, build_one
    from kxreport.watch import watch

    shutil.copytree(DATA / "include", tmp_path / "r")
    main = tmp_path / "r" / "2023.yaml"
    good = main.read_text(encoding="utf-8")
    elsewhere = tmp_path / "r" / "far"  # another folder of the project
    elsewhere.mkdir()
    os.mkfifo(elsewhere / "pipe.yaml")
    (elsewhere / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    swaps = {
        "loop": ("2023.yaml", "循环"),
        "device": ("/dev/zero", "项目文件夹之外"),  # never opened, let alone read
        "fifo": (str(elsewhere / "pipe.yaml"), "不是普通文件"),
        "binary": (str(elsewhere / "logo.png"), "UTF-8"),
    }
    shown = []
    said: dict[str, str] = {}

    def script():
        for name, (target, _) in swaps.items():
            main.unlink()
            main.symlink_to(target)
            yield {("modified", str(main))}
            outcome = shown[-1]
            said[name] = " ".join(
                [d.message for d in outcome.diagnostics] + [str(outcome.error or "")]
            )
            main.unlink()
            main.write_text(good, encoding="utf-8")
            yield {("added", str(main))}

    events = script()  # one script across the watch's rounds (it restarts when inputs change)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            watch(
                [main],
                lambda source: build_one(
                    source, Options(out_dir=tmp_path / "dist", formats=("md",))
                ),
                shown.append,
                changes=lambda dirs: events,
            )
        except BaseException as exc:  # the test reports it
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the watch hung"
    assert not failure, repr(failure[0])
    assert len(shown) == 1 + 2 * len(swaps), [o.failed for o in shown]
    for index, (name, (_, word)) in enumerate(swaps.items()):
        swapped, restored = shown[1 + 2 * index], shown[2 + 2 * index]
        assert swapped.failed and word in said[name], (name, said[name])
        assert not restored.failed, name  # and the watch went on
