"""``fmt`` never writes what ``validate`` would then refuse: a rewrite beyond the year
file's size limit is refused before writing, a file validate rejects is left alone by
--counts, and every mode takes out bidirectional controls and nothing else."""

from __future__ import annotations

from typer.testing import CliRunner

from kxreport import fmt
from kxreport.cli import app
from kxreport.loader import load

runner = CliRunner()
HEAD = (
    "org:\n  name: 示例县科学技术协会\n  level: 县\nyear: 2023\nkind: summary\ndate: 2024-01-10\n"
)


def test_a_rewrite_past_the_size_limit_is_refused_before_writing(write_yaml, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_BYTES", 60_000)  # the 5 MB limit, scaled down
    items = "".join(f"      - text: 第{i}项,开展活动,受众踊跃,反响良好\n" for i in range(900))
    path = write_yaml(HEAD + "sections:\n  - kind: party\n    items:\n" + items)
    before = path.read_bytes()
    assert len(before) < 60_000
    done = runner.invoke(app, ["fmt", "--punctuation", str(path)])
    assert done.exit_code == 1
    assert "超过年度文件" in done.output and "文件未修改" in done.output
    assert path.read_bytes() == before


def test_counts_are_not_added_to_a_file_validate_rejects(write_yaml):
    path = write_yaml(
        HEAD.replace("date: 2024-01-10", "date: 2024-05-32")
        + "overview:\n  text: 全年举办科普讲座66场。\n"
    )
    before = path.read_bytes()
    done = runner.invoke(app, ["fmt", "--counts", str(path)])
    assert done.exit_code == 1 and "2024-05-32" in done.output and "未修改" in done.output
    assert path.read_bytes() == before


def test_every_mode_takes_out_bidirectional_controls_and_nothing_else(write_yaml):
    text = (
        "# 说明：保留这条注释\n" + HEAD + "overview:\n  # 核对\n  text: 全年培训\u202e3000人次。\n"
        "sections:\n  - kind: party\n    intro: '党员\u2066学习\u206924次。'\n"
    )
    for mode in ("--simplified", "--punctuation", "--counts"):
        path = write_yaml(text, f"{mode.strip('-')}.yaml")
        assert [d.code for d in load(path).errors] == ["bidi-control", "bidi-control"]
        done = runner.invoke(app, ["fmt", mode, str(path)])
        if mode == "--counts":  # a file validate rejects: not touched
            assert done.exit_code == 1
            continue
        assert done.exit_code == 0, done.output
        after = path.read_text(encoding="utf-8")
        assert after == text.replace("\u202e", "").replace("\u2066", "").replace("\u2069", "")
        assert load(path).ok
