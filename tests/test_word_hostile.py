"""Word files that are not what they claim: zip bombs, entity tricks, trees too deep,
numbering and spans out of bounds, broken packages. Each gets one Chinese sentence naming
the file (exit 1), in bounded time and memory — never a traceback or a hang."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.errors import OutputError
from kxreport.wordfile import read_docx

runner = CliRunner()
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _base() -> dict[str, bytes]:
    document = docx.Document()
    document.add_paragraph("示例县科协2023年工作总结")
    document.add_paragraph("全年举办科普讲座30场。")
    out = io.BytesIO()
    document.save(out)
    package = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return {info.filename: package.read(info.filename) for info in package.infolist()}


BASE = _base()


def _pack(parts: dict[str, bytes], extra: list[tuple[zipfile.ZipInfo, bytes]] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
        for info, data in extra:
            package.writestr(info, data)
    return out.getvalue()


def _document(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f"<w:document {W}><w:body>{body}</w:body></w:document>"
    ).encode()


def _para(text: str, properties: str = "") -> str:
    return f"<w:p>{properties}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _with(**parts: bytes) -> bytes:
    return _pack(
        {
            **BASE,
            **{
                name.replace("__", "/").replace("_xml", ".xml"): data
                for name, data in parts.items()
            },
        }
    )


LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY a{i} "{(f"&a{i - 1};" if i > 1 else "&a;") * 10}">' for i in range(1, 10))
    + "]>"
)


def _symlinks() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name in BASE:
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            package.writestr(info, "/etc/passwd")
    return out.getvalue()


def _duplicates() -> bytes:
    import warnings

    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as package:
        warnings.simplefilter("ignore")
        for name, data in BASE.items():
            package.writestr(name, data)
        package.writestr("word/document.xml", _document(_para("第二份")))
    return out.getvalue()


def _bad_crc() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
        for name, data in BASE.items():
            package.writestr(name, data)
    data = bytearray(out.getvalue())
    at = data.find(b"<w:body>")  # stored, so the XML is in the file as it is
    data[at + 1] ^= 0x20
    return bytes(data)


# (case, the file's bytes, words of the one sentence it gets)
REFUSED = [
    ("not a zip", b"hello, I am a text file", "不是 zip 格式"),
    ("a document part unpacking far", _with(word__document_xml=b" " * (3 * 1024 * 1024) + _document(_para("x"))), "文件过大"),
    ("a huge image part", _with(word__media__image1_png=b"\0" * (70 * 1024 * 1024)), "文件过大"),
    ("billion laughs", _with(word__document_xml=_document(_para("&a9;"), LAUGHS)), "不是有效的 Word"),
    ("10,000-deep tables", _with(word__document_xml=_document("<w:tbl><w:tr><w:tc>" * 10000 + _para("x") + "</w:tc></w:tr></w:tbl>" * 10000)), "不是有效的 Word"),
    ("5,000-deep links", _with(word__document_xml=_document("<w:p>" + "<w:hyperlink>" * 5000 + "<w:r><w:t>x</w:t></w:r>" + "</w:hyperlink>" * 5000 + "</w:p>")), "不是有效的 Word"),
    ("an empty document part", _with(word__document_xml=b""), "不是有效的 Word"),
    ("a truncated document part", _with(word__document_xml=_document(_para("a"))[:70]), "不是有效的 Word"),
    ("a document part that is not XML", _with(word__document_xml=b"\x89PNG not xml"), "不是有效的 Word"),
    ("a document part with the wrong root", _with(word__document_xml=f'<?xml version="1.0"?><w:body {W}/>'.encode()), "不是有效的 Word"),
    ("styles that are not XML", _with(word__styles_xml=b"<<<"), "不是有效的 Word"),
    ("a reference to U+000C", _with(word__document_xml=_document(_para("a&#12;b"))), "不是有效的 Word"),
    ("parts that are links", _symlinks(), "链接"),
    ("two parts with one name", _duplicates(), "重名"),
    ("a part with a bad checksum", _bad_crc(), "不是有效的 Word"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "data", "says"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_file_that_is_not_what_it_claims_gets_one_chinese_sentence(tmp_path, case, data, says):
    source = tmp_path / "来稿.docx"
    source.write_bytes(data)
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(OutputError) as raised:
        read_docx(data, source)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert peak < 120 * 1024 * 1024, f"{case}: {peak // 1024 // 1024} MB"
    message = str(raised.value)
    assert says in message and message.isascii() is False
    assert not any(word in message for word in ("Error", "zip file", "line ", "entity")), message
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1
    assert result.output.count(str(source)) == 1, result.output  # the path once
    assert "内部错误" not in result.output and not (tmp_path / "out.yaml").exists()


def _numbered(levels: str, paragraphs: int = 3) -> bytes:
    from .test_hostile_word import NUMBERED, _numbering

    numbering = (
        f'<?xml version="1.0"?><w:numbering {W}><w:abstractNum w:abstractNumId="0">{levels}'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    return _numbering(numbering, _para("一项工作", NUMBERED) * paragraphs)


def _level(start: str, fmt: str = "decimal", text: str = "%1.", ilvl: str = "0") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


NUMBERING = [
    ("a start of 5,000 digits", _level("9" * 5000), "32767."),
    ("1e16 in Chinese counting", _level("10000000000000000", "chineseCounting", "%1、"), "三万二千七百六十七、"),
    ("1e300 in Chinese counting", _level("1" + "0" * 300, "chineseCounting", "%1、"), "三万二千七百六十七、"),
    ("a negative start", _level("-5"), "0."),
    ("a start that is not a number", _level("abc"), "1."),
    ("a level that is not a number", _level("1", ilvl="x"), ""),
    ("a million levels", "".join(_level("1", ilvl=str(i)) for i in range(200000)), "1."),
    ("label amplification", "".join(_level("9" * 1000, text="%1%2%3%4%5%6%7%8%9" * 50, ilvl=str(i)) for i in range(9)), ""),
    ("a roman start of 1e12", _level("1000000000000", "upperRoman"), "32767."),
]  # fmt: skip


@pytest.mark.parametrize(("case", "levels", "first"), NUMBERING, ids=[c[0] for c in NUMBERING])
def test_numbering_out_of_bounds_is_bounded(tmp_path, case, levels, first):
    data = _numbered(levels)
    started = time.monotonic()
    blocks = read_docx(data, tmp_path / "a.docx")
    assert time.monotonic() - started < 10
    numbered = [b for b in blocks if b.text == "一项工作"]
    assert len(numbered) == 3
    assert numbered[0].number == first, (case, numbered[0].number)
    assert all(len(b.number) <= 64 for b in numbered)


def test_a_span_of_a_million_columns_is_bounded(tmp_path):
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr>' + _para("30场") + "</w:tc>"
    data = _with(word__document_xml=_document(f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>"))
    started = time.monotonic()
    blocks = read_docx(data, tmp_path / "a.docx")
    assert time.monotonic() - started < 5
    (table,) = [b for b in blocks if b.rows]
    assert 1 <= len(table.rows[0]) <= 64 and table.rows[0][0] == "30场"


def test_a_based_on_cycle_does_not_hang(tmp_path):
    styles = (
        BASE["word/styles.xml"]
        .decode()
        .replace(
            "</w:styles>",
            '<w:style w:type="paragraph" w:styleId="A"><w:name w:val="A"/><w:basedOn w:val="B"/>'
            '</w:style><w:style w:type="paragraph" w:styleId="B"><w:name w:val="B"/>'
            '<w:basedOn w:val="A"/></w:style></w:styles>',
        )
    )
    body = _document(_para("一、总体情况", '<w:pPr><w:pStyle w:val="A"/></w:pPr>'))
    data = _with(word__styles_xml=styles.encode(), word__document_xml=body)
    started = time.monotonic()
    blocks = read_docx(data, Path("a.docx"))
    assert time.monotonic() - started < 5
    assert [b.text for b in blocks] == ["一、总体情况"]


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    entity = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
    for part, data in (
        ("word/document.xml", _document(_para("甲&x;乙"), entity)),
        (
            "word/styles.xml",
            BASE["word/styles.xml"].replace(
                b"<w:styles ", entity.replace("w:document", "w:styles").encode() + b"<w:styles ", 1
            ),
        ),
    ):
        try:
            blocks = read_docx(_pack({**BASE, part: data}), tmp_path / "a.docx")
        except OutputError:
            continue  # refused is as good: nothing was read
        assert "机密" not in "".join(b.text for b in blocks)
