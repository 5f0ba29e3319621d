"""The HTML writer: one self-contained page laid out by the same rules as the DOCX, the same
text as the Markdown and the DOCX, and a real browser (headless Chromium) rendering it."""

from __future__ import annotations

import io
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx as python_docx
import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.document import Annex, Paragraph, Signature, Table, Title
from kxreport.layout import FANGSONG, HEADING_FONTS, MARGINS, PAGE, title_lines
from kxreport.loader import load
from kxreport.render import render
from kxreport.writers import BY_NAME, DEFAULT_FORMATS, FORMATS
from kxreport.writers import docx as docx_writer
from kxreport.writers import html as html_writer

from .conftest import EXAMPLES, require

runner = CliRunner()


class Page(HTMLParser):
    """The page's elements (tag, class, style) and text per block, and any outside link."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: list[str] = []
        self.text: list[str] = []
        self.external: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append((tag, found))
        self._in_style = tag == "style"
        for name in ("src", "href"):
            if found.get(name):
                self.external.append(str(found[name]))
        if tag in ("h1", "h2", "h3", "h4", "h5", "p", "td", "th", "caption"):
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if tag in ("h1", "h2", "h3", "h4", "h5", "p", "td", "th", "caption"):
            self.blocks.append("".join(self.text))

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)


def page_of(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def rendered(name: str):
    result = load(EXAMPLES / name)
    assert result.model is not None
    previous = result.previous.model if result.previous else None
    return render(result.model, None, previous, [u.model for u in result.units if u.model])


def test_registry_lists_html_and_help_reads_it():
    assert FORMATS == ("md", "docx", "html", "pdf") and DEFAULT_FORMATS == ("md", "docx")
    assert BY_NAME["html"].suffix == ".html" and not BY_NAME["pdf"].comparable
    done = runner.invoke(app, ["build", "--help"], terminal_width=200)
    assert "html（网页，可预览或发布到网站）" in " ".join(done.output.split())


@pytest.mark.parametrize("name", ["linfen-2022.yaml", "changzhi-2022-plan.yaml", "demo-2023.yaml"])
def test_page_has_the_blocks_and_the_text_of_the_docx(name):
    r = rendered(name)
    html = html_writer.write(r).decode("utf-8")
    page = page_of(html)
    assert page.external == []  # self-contained: no link, no script, no image
    tags = [tag for tag, _ in page.elements]
    assert "script" not in tags
    # one title, then one title per annex page
    h1 = [found.get("class") for tag, found in page.elements if tag == "h1"]
    annexes = [b for b in r.document.blocks if isinstance(b, Annex)]
    assert h1 == [None] + ["annex-title"] * len(annexes)
    # the same text, block by block, as the DOCX (title lines joined)
    document = python_docx.Document(io.BytesIO(docx_writer.write(r)))
    word = [p.text for p in document.paragraphs if p.text.strip()]
    word += [c.text for t in document.tables for row in t.rows for c in row.cells]
    ours = [b for b in page.blocks if b.strip()]
    assert sorted(ours) == sorted(w.replace("\n", "") for w in word)
    # headings at their levels, the signature on the right, the annex on a new page
    blocks = r.document.blocks
    title = next(b for b in blocks if isinstance(b, Title))
    assert "<br>".join(title_lines(title.text)) in html
    signature = next(b for b in blocks if isinstance(b, Signature))
    assert page.blocks.index(signature.issuer) > page.blocks.index(
        next(b for b in blocks if isinstance(b, Paragraph)).text
    )
    if any(isinstance(b, Table) for b in blocks):  # appended tables are annexes
        labels = [found for tag, found in page.elements if found.get("class") == "annex-label"]
        assert len(labels) == sum(isinstance(b, Annex) for b in blocks) > 0
    assert f"size: {PAGE[0]}mm {PAGE[1]}mm" in html and f"{MARGINS['top']}mm" in html
    assert f'"{FANGSONG}"' in html and f'"{HEADING_FONTS[1][0]}"' in html


def test_markup_in_the_data_comes_out_as_text_in_every_format(tmp_path, write_yaml):
    hostile = "R&D <b>粗</b> *星* [链接](x) `码` &amp; <script>alert(1)</script>"
    path = write_yaml(
        "org: {name: 示例县科学技术协会, short_name: 示例县科协, level: 县}\n"
        "year: 2023\nkind: summary\n"
        f"overview:\n  text: '{hostile}'\n"
    )
    done = runner.invoke(
        app,
        ["build", str(path), "-o", str(tmp_path / "out"), "-f", "md", "-f", "docx", "-f", "html"],
    )
    assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    html = (out / "2023.html").read_text("utf-8")
    assert hostile in page_of(html).blocks
    assert "<script>" not in html.split("</style>")[1]
    word = [p.text for p in python_docx.Document(str(out / "2023.docx")).paragraphs]
    assert hostile in word
    from kxreport.document import parse

    texts = [getattr(b, "text", "") for b in parse((out / "2023.md").read_text("utf-8")).blocks]
    assert hostile in texts


def test_check_compares_html_and_refuses_pdf(tmp_path):
    source = tmp_path / "linfen-2022.yaml"
    shutil.copy(EXAMPLES / "linfen-2022.yaml", source)
    built = runner.invoke(app, ["build", str(source), "-f", "html"])
    assert built.exit_code == 0, built.output
    assert runner.invoke(app, ["build", str(source), "-f", "html", "--check"]).exit_code == 0
    (tmp_path / "linfen-2022.html").write_text("old", encoding="utf-8")
    stale = runner.invoke(app, ["build", str(source), "-f", "html", "--check"])
    assert stale.exit_code == 1 and "linfen-2022.html" in stale.output
    refused = runner.invoke(app, ["build", str(source), "-f", "pdf", "--check"])
    assert refused.exit_code == 2 and "请用 -f md -f docx -f html" in refused.output


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_to_pdf(browser: str, html: bytes, folder: Path) -> Path:
    """The page as headless Chromium prints it."""
    page, pdf = folder / "page.html", folder / "page.pdf"
    page.write_bytes(html)
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert pdf.exists(), done.stderr[-2000:]
    return pdf


def test_headless_chromium_prints_the_page_as_a4_with_the_text(tmp_path):
    browser = _chromium()
    require(browser, "chromium")
    require(shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler")
    r = rendered("demo-2023.yaml")
    assert any(isinstance(b, Table) for b in r.document.blocks)
    pdf = print_to_pdf(str(browser), html_writer.write(r), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert pages >= 2  # the annex starts a new page
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    flat = "".join(text.split())
    for block in r.document.blocks:
        if isinstance(block, Signature):
            assert block.issuer in flat
        if isinstance(block, Paragraph):
            assert block.text[:12] in flat
    last = subprocess.run(
        ["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
        capture_output=True,
        text=True,
    ).stdout
    # each annex on its own page: the last page is the last annex, label and title
    annex = [b for b in r.document.blocks if isinstance(b, Annex)][-1]
    assert "".join(last.split()).startswith(annex.label + annex.title)


def test_headless_chromium_page_looks_like_a_page_with_text_in_the_type_area(tmp_path):
    """The first printed page as a picture (pdftoppm): text inside the GB/T margins, none
    outside them, and the title centred."""
    browser = _chromium()
    require(browser, "chromium")
    require(shutil.which("pdftoppm"), "poppler")
    pdf = print_to_pdf(str(browser), html_writer.write(rendered("linfen-2022.yaml")), tmp_path)
    dpi = 20  # 1 mm ≈ 0.79 px
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True, timeout=60,
    )  # fmt: skip
    raw = next(tmp_path.glob("p*.pgm")).read_bytes()
    magic, width, height, _, pixels = raw.split(maxsplit=4)
    assert magic == b"P5"
    w, h = int(width), int(height)

    def ink(x0: float, x1: float, y0: float, y1: float) -> int:  # in mm
        mm = dpi / 25.4
        return sum(
            1
            for y in range(int(y0 * mm), min(int(y1 * mm), h))
            for x in range(int(x0 * mm), min(int(x1 * mm), w))
            if pixels[y * w + x] < 128
        )

    top, left, right, bottom = (MARGINS[k] for k in ("top", "left", "right", "bottom"))
    assert ink(left, PAGE[0] - right, top, PAGE[1] - bottom) > 500  # text in the type area
    assert ink(0, PAGE[0], 0, top - 3) == 0  # nothing in the top margin
    assert ink(0, left - 3, 0, PAGE[1]) == 0  # nor the left margin
    # the title line is centred: as much ink left as right of the middle
    line = (top + 1, top + 9)
    a, b = ink(left, PAGE[0] / 2, *line), ink(PAGE[0] / 2, PAGE[0] - right, *line)
    assert a and b and 0.6 < a / b < 1.6
