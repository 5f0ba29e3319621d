"""Word files that are not what they claim, past what the package's directory says: parts
that unpack beyond their declared size or with another compression, a directory of
hundreds of thousands of entries, XML of millions of tiny elements, document type
declarations, trees too deep, long merged columns and based-on chains (cubic and quadratic
in python-docx), bodies too long, values python-docx refuses that Word reads, control
characters. Each file is made here, small; each gets one Chinese sentence naming it (exit
1) or is read as Word reads it, in bounded time and memory."""

from __future__ import annotations

import io
import os
import random
import re
import struct
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.errors import OutputError
from kxreport.wordfile import made_by_kxreport, read_docx

runner = CliRunner()
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MB = 1024 * 1024


def _base() -> dict[str, bytes]:
    document = docx.Document()
    document.add_paragraph("示例县科协2023年工作总结")
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        return {info.filename: package.read(info.filename) for info in package.infolist()}


BASE = _base()


def _pack(replace: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as package:
        for name, data in {**BASE, **(replace or {})}.items():
            package.writestr(name, data)
    return out.getvalue()


def _document(body: str | bytes, prolog: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document {W}><w:body>'
    body = body.encode() if isinstance(body, str) else body
    return head.encode() + body + b"</w:body></w:document>"


def _para(text: str, properties: str = "") -> str:
    return f"<w:p>{properties}<w:r><w:t>{text}</w:t></w:r></w:p>"


def _with_body(body: str | bytes, prolog: str = "") -> bytes:
    return _pack({"word/document.xml": _document(body, prolog)})


def _streamed(name: str, size: int, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The base package with ``name`` replaced by ``size`` bytes of spaces after a short
    valid document, written a megabyte at a time (never held whole)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for part, data in BASE.items():
            if part != name:
                package.writestr(part, data)
        info = zipfile.ZipInfo(name)
        info.compress_type = compress
        with package.open(info, "w", force_zip64=False) as member:
            member.write(_document(_para("全年举办科普讲座30场。")))
            for _ in range(size // MB):
                member.write(b" " * MB)
    return out.getvalue()


def _declare(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the unpacked size of part ``name`` forged to ``size``, in its local
    header and in the directory (where zipfile reads it)."""
    forged = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        struct.pack_into("<I", forged, package.getinfo(name).header_offset + 22, size)
    entry = forged.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", forged, entry + 28)[0]
        if forged[entry + 46 : entry + 46 + length] == name.encode():
            struct.pack_into("<I", forged, entry + 24, size)
        entry = forged.find(b"PK\x01\x02", entry + 4)
    return bytes(forged)


# --- bombs: memory measured in a child process ------------------------------------------

CHILD = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a regression stops here
    from typer.testing import CliRunner
    from kxreport.cli import app
    result = CliRunner().invoke(app, ["import", sys.argv[1], "-o", sys.argv[2]])
    try:  # this process's own peak (ru_maxrss keeps the parent's across fork and exec)
        with open("/proc/self/status") as status:
            peak = next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmHWM:"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(result.exit_code, peak)
    print(result.output, end="")
    """
)


def _import_measured(source: Path) -> tuple[int, int, str]:
    """Exit code, peak memory in bytes and output of ``import`` in a child process."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(source.with_suffix(".yaml"))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "KXREPORT_DEBUG": ""},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    first, _, output = done.stdout.partition("\n")
    code, peak = (int(word) for word in first.split())
    return code, peak, output


def _tiny_elements(count: int) -> bytes:
    """``count`` elements of four bytes, random enough to pass the ratio check (18:1)."""
    names = random.Random(0).randbytes(count).translate(bytes(b"ab"[i & 1] for i in range(256)))
    elements = bytearray(b"<a/>" * count)
    elements[1::4] = names
    return bytes(elements)


BOMBS = [
    # 150 MB of spaces in 200 KB, the directory saying 5,000 bytes: zipfile unpacked it
    # whole, at once, before stopping at the declared size
    ("document part unpacking far beyond its declared size", lambda: _declare(_streamed("word/document.xml", 150 * MB), "word/document.xml", 5000), "压缩包损坏"),
    ("properties part unpacking far beyond its declared size", lambda: _declare(_streamed("docProps/app.xml", 150 * MB), "docProps/app.xml", 5000), "压缩包损坏"),
    # bzip2 unpacks a few hundred bytes to 150 MB, with no limit on one read
    ("document part in bzip2", lambda: _declare(_streamed("word/document.xml", 150 * MB, zipfile.ZIP_BZIP2), "word/document.xml", 5000), "压缩方式"),
    # 10 MB of XML, 2.5 million elements: 300 MB parsed
    ("millions of tiny elements", lambda: _with_body(_tiny_elements(2_500_000)), "元素超过"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "says"), BOMBS, ids=[c[0] for c in BOMBS])
def test_a_bomb_is_refused_in_bounded_memory(tmp_path, case, make, says):
    source = tmp_path / "来稿.docx"
    source.write_bytes(make())
    assert source.stat().st_size < 2 * MB
    started = time.monotonic()
    code, peak, output = _import_measured(source)
    assert time.monotonic() - started < 30
    assert peak < 200 * MB, f"{case}: {peak // MB} MB"
    assert code == 1 and says in output, output
    assert output.count(str(source)) == 1 and len(output.strip().splitlines()) == 1, output
    assert not source.with_suffix(".yaml").exists()


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2], ids=["deflate", "bzip2"])  # fmt: skip
def test_whether_kxreport_made_a_file_reads_only_a_little(tmp_path, compression):
    data = _streamed("docProps/app.xml", 150 * MB, compression)
    data = _declare(data, "docProps/app.xml", 5000)
    tracemalloc.start()
    made = made_by_kxreport(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert made is False
    assert peak < 10 * MB, f"{peak // MB} MB"


def _overlapping_entries(count: int) -> bytes:
    """A zip whose directory has ``count`` entries, all naming one small local part: 47
    bytes an entry, so hundreds of thousands fit in a few megabytes."""
    name = b"a"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, 1, 0) + name
    entry = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
    )
    directory = (entry + name) * count
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 65535, 65535, len(directory), len(local), 0)
    return local + directory + end


def test_a_directory_of_three_hundred_thousand_entries_is_refused_before_it_is_read(tmp_path):
    data = _overlapping_entries(300_000)
    tracemalloc.start()
    with pytest.raises(OutputError) as raised:
        read_docx(data, tmp_path / "a.docx")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # zipfile makes an object of every entry (100 MB here) before any can be counted
    assert peak < 40 * MB, f"{peak // MB} MB"
    assert "部件多得不像 Word 文件" in str(raised.value)


# --- one sentence for each way a file is not a Word file ------------------------------------

LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY a{i} "{(f"&a{i - 1};" if i > 1 else "&a;") * 10}">' for i in range(1, 10))
    + "]>"
)


def _xxe(root: str, secret: str = "/etc/passwd") -> str:
    """A declaration of an entity that would read ``secret`` from outside the file."""
    return f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "{Path(secret).as_uri()}">]>'


def _numbering(numbering: str, paragraphs: str) -> bytes:
    rels = BASE["word/_rels/document.xml.rels"].decode()
    if "numbering.xml" not in rels:
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdNum" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/numbering" Target="numbering.xml"/></Relationships>',
        )
    types = BASE["[Content_Types].xml"].decode()
    if "numbering+xml" not in types:
        types = types.replace(
            "</Types>",
            '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.numbering+xml"/></Types>',
        )
    return _pack(
        {
            "word/numbering.xml": numbering.encode(),
            "word/_rels/document.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
            "word/document.xml": _document(paragraphs),
        }
    )


NUMBERED = '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'


def _list(level: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0"?>{prolog}<w:numbering {W}><w:abstractNum w:abstractNumId="0">'
        f'{level}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        "</w:numbering>"
    )


def _encrypted() -> bytes:
    data = bytearray(_pack())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        info = package.getinfo("word/document.xml")
    struct.pack_into("<H", data, info.header_offset + 6, info.flag_bits | 1)
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + length] == b"word/document.xml":
            struct.pack_into("<H", data, entry + 8, info.flag_bits | 1)
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def _styles_with(prolog: str) -> bytes:
    styles = BASE["word/styles.xml"]
    at = styles.index(b"<w:styles ")
    return styles[:at] + prolog.encode() + styles[at:]


def _utf16_with_doctype() -> bytes:
    text = _document(_para("甲&x;乙"), _xxe("w:document")).decode()
    return _pack({"word/document.xml": text.replace("UTF-8", "UTF-16").encode("utf-16")})


# (case, the file's bytes, words of the one sentence it gets)
REFUSED = [
    ("an old .doc or a .docx with a password", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "打开密码"),
    ("an encrypted part", _encrypted, "部件被加密"),
    ("a part with a bad checksum", lambda: _declare(_pack({"word/document.xml": _document(_para("甲"))}, level=0), "word/document.xml", 40), "压缩包损坏"),
    ("a DTD in UTF-16", _utf16_with_doctype, "文档类型声明"),
    ("billion laughs in document.xml", lambda: _with_body(_para("&a9;"), LAUGHS), "文档类型声明"),
    ("billion laughs in styles.xml", lambda: _pack({"word/styles.xml": _styles_with(LAUGHS.replace("w:document", "w:styles"))}), "文档类型声明"),
    ("10,000-deep tables", lambda: _with_body("<w:tbl><w:tr><w:tc>" * 10000 + _para("x") + "</w:tc></w:tr></w:tbl>" * 10000), "嵌套过深"),
    ("5,000-deep links", lambda: _with_body("<w:p>" + "<w:hyperlink>" * 5000 + "<w:r><w:t>x</w:t></w:r>" + "</w:hyperlink>" * 5000 + "</w:p>"), "嵌套过深"),
    ("numbering.xml that is not XML", lambda: _numbering("<<< not xml", _para("一项", NUMBERED)), "不是完好的 XML"),
    ("a reference to U+000C", lambda: _with_body(_para("a&#12;b")), "不是完好的 XML"),
    ("25,000 paragraphs", lambda: _with_body("".join(_para(str(i)) for i in range(25_000))), "正文超过 2 万段"),
    ("60,000 runs in one paragraph", lambda: _with_body("<w:p>" + "".join(f"<w:r><w:t>{i}</w:t></w:r>" for i in range(60_000)) + "</w:p>"), "正文超过"),
]  # fmt: skip

# Latin words a message may have: names of formats and programs, not library English
NAMES = {"Word", "docx", "doc", "WPS", "XML", "zip", "MB", "KB"}


@pytest.mark.parametrize(("case", "make", "says"), REFUSED, ids=[c[0] for c in REFUSED])
def test_each_way_of_not_being_word_gets_its_own_chinese_sentence(tmp_path, case, make, says):
    data = make()
    source = tmp_path / "来稿.docx"
    source.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(OutputError) as raised:
        read_docx(data, source)
    assert time.monotonic() - started < 5, case
    message = str(raised.value)
    assert says in message, message
    assert set(re.findall(r"[A-Za-z]+", message)) <= NAMES, message
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1
    assert result.output.count(str(source)) == 1 and says in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "内部错误" not in result.output and not (tmp_path / "out.yaml").exists()


@pytest.mark.parametrize("part", ["numbering.xml", "document.xml", "styles.xml"])
def test_an_external_entity_is_refused_and_never_read(tmp_path, part):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    if part == "numbering.xml":
        level = '<w:lvl w:ilvl="0"><w:lvlText w:val="&x;%1."/></w:lvl>'
        numbering = _list(level, _xxe("w:numbering", str(secret)))
        data = _numbering(numbering, _para("一项", NUMBERED))
    elif part == "document.xml":
        data = _with_body(_para("甲&x;乙"), _xxe("w:document", str(secret)))
    else:
        styles = _styles_with(_xxe("w:styles", str(secret)))
        styles = styles.replace(
            b"</w:styles>", b'<w:style w:styleId="q"><w:name w:val="&x;"/></w:style></w:styles>'
        )
        data = _pack({"word/styles.xml": styles})
    source = tmp_path / "来稿.docx"
    source.write_bytes(data)
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1 and "文档类型声明" in result.output, result.output
    assert "机密" not in result.output and not (tmp_path / "out.yaml").exists()


# --- read as Word reads them, fast -----------------------------------------------------------


def _cell(text: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{_para(text) if text else '<w:p/>'}</w:tc>"


def test_a_long_merged_column_is_read_in_one_pass(tmp_path):
    # python-docx looks for the cell above a merged one through every row above, for each
    # row: 600 rows took ten seconds, 2,000 ran out of recursion
    merged = '<w:vMerge w:val="restart"/>'
    rows = f"<w:tr>{_cell('全年', merged)}{_cell('第0项')}</w:tr>"
    rows += "".join(
        f"<w:tr>{_cell('', '<w:vMerge/>')}{_cell(f'第{i}项')}</w:tr>" for i in range(1, 600)
    )
    data = _with_body(f"<w:tbl>{rows}</w:tbl>")
    started = time.monotonic()
    (table,) = [b for b in read_docx(data, tmp_path / "a.docx") if b.rows]
    assert time.monotonic() - started < 4
    assert len(table.rows) == 600
    assert all(row[0] == "全年" for row in table.rows)
    assert table.rows[599] == ["全年", "第599项"]


def test_a_merge_that_continues_nothing_does_not_lose_the_file(tmp_path):
    row = f"<w:tr>{_cell('', '<w:vMerge/>')}{_cell('30场')}</w:tr>"
    spanned = "<w:tr>" + _cell("合计", '<w:gridSpan w:val="2"/>') + "</w:tr>"
    data = _with_body(f"<w:tbl>{row}{spanned}</w:tbl>" + _para("全年举办讲座。"))
    blocks = read_docx(data, tmp_path / "a.docx")
    assert [b.rows for b in blocks if b.rows] == [[["", "30场"], ["合计", "合计"]]]
    assert blocks[-1].text == "全年举办讲座。"


def test_a_row_spans_at_most_the_columns_word_has(tmp_path):
    cells = "".join(_cell(f"{i}", '<w:gridSpan w:val="60"/>') for i in range(1000))
    data = _with_body(
        f'<w:tbl><w:tr><w:trPr><w:gridBefore w:val="3"/></w:trPr>{cells}</w:tr></w:tbl>'
    )
    (table,) = [b for b in read_docx(data, tmp_path / "a.docx") if b.rows]
    assert table.rows == [["0"] * 60 + ["1"]]  # columns 3 to 63 of 64, then no more


def test_a_long_based_on_chain_is_looked_up_once(tmp_path):
    # python-docx finds a style's base by scanning all styles: 1,000 chained styles and
    # paragraphs took 24 seconds (3,000: three minutes)
    count = 1000
    chained = "".join(
        f'<w:style w:type="paragraph" w:styleId="s{i}"><w:name w:val="s{i}"/>'
        f'<w:basedOn w:val="s{i + 1}"/></w:style>'
        for i in range(count)
    )
    chained += (
        f'<w:style w:type="paragraph" w:styleId="s{count}"><w:name w:val="heading 2"/>'
        '<w:basedOn w:val="s0"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>'
    )
    styles = BASE["word/styles.xml"].replace(b"</w:styles>", chained.encode() + b"</w:styles>")
    body = "".join(
        _para(f"第{i}段", f'<w:pPr><w:pStyle w:val="s{i}"/></w:pPr>') for i in range(count)
    )
    data = _pack({"word/styles.xml": styles, "word/document.xml": _document(body)})
    started = time.monotonic()
    blocks = read_docx(data, tmp_path / "a.docx")
    assert time.monotonic() - started < 4
    assert len(blocks) == count
    # within ten steps of “heading 2” (Word's own depth), the level and the alignment
    assert blocks[-1].style_level == 2 and blocks[-1].align == "center"
    assert blocks[0].style_level is None and blocks[0].align is None


@pytest.mark.parametrize(("value", "align"), [("end", "right"), ("start", None), ("nonsense", None)])  # fmt: skip
def test_alignments_python_docx_refuses_are_read(tmp_path, value, align):
    # ISO 29500 writes start and end; python-docx refused the whole file over one of them
    data = _with_body(_para("某县科协", f'<w:pPr><w:jc w:val="{value}"/></w:pPr>'))
    (block,) = read_docx(data, tmp_path / "a.docx")
    assert block.text == "某县科协" and block.align == align


@pytest.mark.parametrize("value", ["9" * 5000, "²"], ids=["5,000 digits", "superscript two"])
def test_an_outline_level_that_is_no_level_is_ignored(tmp_path, value):
    # int() of 5,000 digits, or of “²”, failed and lost the whole file
    data = _with_body(_para("一、总体情况", f'<w:pPr><w:outlineLvl w:val="{value}"/></w:pPr>'))
    (block,) = read_docx(data, tmp_path / "a.docx")
    assert block.text == "一、总体情况" and block.style_level is None


def test_control_characters_never_reach_the_text(tmp_path):
    controls = "&#127;&#x85;&#x9f;"
    level = f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:lvlText w:val="{controls}%1."/></w:lvl>'
    table = f"<w:tbl><w:tr>{_cell(f'30{controls}场')}</w:tr></w:tbl>"
    data = _numbering(_list(level), _para(f"全年{controls}举办", NUMBERED) + table)
    blocks = read_docx(data, tmp_path / "a.docx")
    said = [b.number + b.text for b in blocks if not b.rows] + [
        c for b in blocks for r in b.rows or [] for c in r
    ]
    assert said == ["1.全年举办", "30场"]


def test_a_paragraph_styled_as_a_list_is_read(tmp_path):
    # a list style has no font: python-docx failed on its bold and lost the whole file
    style = '<w:pPr><w:pStyle w:val="NoList"/></w:pPr>'
    run = '<w:r><w:rPr><w:rStyle w:val="NoList"/></w:rPr><w:t>全年举办讲座30场。</w:t></w:r>'
    data = _with_body(_para("一、总体情况", style) + f"<w:p>{run}</w:p>")
    blocks = read_docx(data, tmp_path / "a.docx")
    assert [(b.text, b.bold) for b in blocks] == [
        ("一、总体情况", False),
        ("全年举办讲座30场。", False),
    ]
