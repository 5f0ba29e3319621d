"""``import`` on many sources and odd ones: each source on its own (one that fails never
stops the others, and a summary ends the run), every output planned before anything is
written (two never land on one file, an input is never overwritten), text in any encoding
an office saves, and a written year file that always reads back."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxreport import importing
from kxreport.cli import app
from kxreport.loader import load

runner = CliRunner()
ARTICLE = "示例县科协{n}年工作总结\n一、科普工作\n全年举办科普讲座{k}场。\n"


def _articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    made = []
    for n in range(count):
        path = folder / f"{n:02d}.txt"
        path.write_text(ARTICLE.format(n=2010 + n, k=n + 1), encoding="utf-8")
        made.append(path)
    return made


def test_a_poisoned_file_in_a_batch_fails_alone_and_the_batch_says_so(tmp_path):
    sources = _articles(tmp_path / "in", 10)
    (tmp_path / "in" / "05-bad.docx").write_bytes(b"this is not a Word file")
    result = runner.invoke(app, ["import", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "05-bad.docx：不是有效的 Word" in result.output
    assert "共 11 份材料：10 份导入，1 份失败" in result.output
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.yaml")) == [s.stem for s in sources]


def test_a_defect_in_one_source_is_said_and_the_batch_goes_on(tmp_path, monkeypatch):
    sources = _articles(tmp_path / "in", 3)
    real = importing.import_file

    def flaky(source, output, **kw):
        if source.name == "01.txt":
            raise RuntimeError("boom")
        return real(source, output, **kw)

    monkeypatch.setattr(importing, "import_file", flaky)
    result = runner.invoke(app, ["import", *map(str, sources), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "01.txt：内部错误：RuntimeError" in result.output and "Traceback" not in result.output
    assert "共 3 份材料：2 份导入，1 份失败" in result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.yaml")) == ["00.yaml", "02.yaml"]


def test_two_sources_never_write_one_file_even_with_force(tmp_path):
    samples = tmp_path / "p.txt"  # a 范文 page with two samples: p-1.yaml and p-2.yaml
    samples.write_text(
        "科协工作计划2篇\n篇1\n示例县科协2024年工作计划\n一、加强党建\n全年开展学习12次。\n"
        "篇2\n示例区科协2024年工作计划\n一、科普\n举办讲座30场。\n",
        encoding="utf-8",
    )
    single = tmp_path / "p-1.txt"
    single.write_text(ARTICLE.format(n=2023, k=5), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["import", str(samples), str(single), "-o", str(out), "--force"])
    assert result.exit_code == 1
    assert f"p.txt：{out / 'p-1.yaml'} 也是 {single} 的导入结果" in result.output
    assert f"p-1.txt：{out / 'p-1.yaml'} 也是 {samples} 的导入结果" in result.output
    assert not list(out.glob("*.yaml"))  # nothing half-written, nothing lost silently


@pytest.mark.parametrize("name", ["same.txt", "notes.txt"])
def test_an_output_that_is_an_input_or_an_existing_file_is_refused(tmp_path, name):
    source = tmp_path / "same.txt"
    source.write_text(ARTICLE.format(n=2023, k=5), encoding="utf-8")
    other = tmp_path / "notes.txt"
    other.write_text("我的笔记\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert "是一个已有的文件" in result.output and "FileExistsError" not in result.output
    assert other.read_text(encoding="utf-8") == "我的笔记\n"
    assert source.read_text(encoding="utf-8").startswith("示例县科协2023年")


TEXT = "临汾市科学技术协会2022年工作综述\n一、科普工作\n全年举办科普讲座30场。\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "gb18030", "utf-8-sig"])
def test_text_in_every_encoding_an_office_saves_is_read_right(tmp_path, encoding):
    source = tmp_path / "a.txt"
    source.write_bytes(TEXT.encode(encoding))
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "a.yaml")])
    assert result.exit_code == 0, result.output
    model = load(tmp_path / "a.yaml").model
    assert model is not None and model.org.name == "临汾市科学技术协会"


def test_broken_utf16_is_a_chinese_message(tmp_path):
    source = tmp_path / "a.txt"
    source.write_bytes(b"\xff\xfe" + TEXT.encode("utf-16-le") + b"\x00")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "a.yaml")])
    assert result.exit_code == 1 and "UTF-16" in result.output and "内部错误" not in result.output
    assert not (tmp_path / "a.yaml").exists()


def test_control_and_bidirectional_characters_never_reach_the_year_file(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(
        "示例县科协2023年工作总结\x0c\x1b[2J\n一、科普\n举办讲座\x0730场。\u202e反转\u2066\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "a.yaml")])
    assert result.exit_code == 0, result.output
    loaded = load(tmp_path / "a.yaml")
    assert not loaded.errors, [d.format() for d in loaded.errors]
    text = (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert not any(c in text for c in "\x0c\x1b\x07\u202e\u2066")
    assert "举办讲座30场。反转" in text


def test_a_source_over_the_size_limit_is_said_with_its_path_once(tmp_path, monkeypatch):
    from kxreport import readers

    monkeypatch.setattr(readers, "MAX_SOURCE_BYTES", 1024)
    source = tmp_path / "big.docx"
    source.write_bytes(b"\0" * 4096)
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "big.yaml")])
    assert result.exit_code == 1
    assert result.output.count(str(source)) == 1 and "文件太大" in result.output


def test_a_year_file_that_would_not_read_back_is_never_written(tmp_path, monkeypatch):
    import kxreport.importing as importing_module

    # whatever goes wrong upstream, what import writes must be a file kxreport reads
    monkeypatch.setattr(importing_module, "to_yaml", lambda one, name: "org: [unclosed\n")
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE.format(n=2023, k=5), encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "a.yaml")])
    assert result.exit_code == 1 and "无法作为年度文件读回" in result.output
    assert not (tmp_path / "a.yaml").exists()
