"""The HTML writer: one self-contained page that looks like the official document (A4-wide
page, the GB/T 9704 fonts with free fallbacks, indents, headings, the signature on the
right, tables, the annex on a new page when printed) — for previews and for publishing a
report on a website. Every rule comes from :mod:`layout`; every text is HTML-escaped here,
once."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from ..document import (
    NOTE_PREFIX,
    SIGNER_PREFIX,
    Annex,
    Annotation,
    AttachmentNote,
    Document,
    Heading,
    Imprint,
    Masthead,
    Meta,
    PageBreak,
    Paragraph,
    Recipients,
    Signature,
    Table,
    Title,
)
from ..layout import (
    ANNEX_LABEL_FONT,
    BODY_PT,
    CELL_PADDING_PT,
    FACES,
    FANGSONG,
    HEADING_FONTS,
    HEITI,
    IMPRINT_PT,
    IMPRINT_THICK_PT,
    IMPRINT_THIN_PT,
    INDENT_CHARS,
    KAITI,
    LINE_PT,
    MARGINS,
    MARK_TOP_MM,
    PAGE,
    RED,
    SEPARATOR_GAP_MM,
    SEPARATOR_PT,
    TABLE_PT,
    TABLE_SIZES_PT,
    TITLE_PT,
    TYPE_AREA_PT,
    XIAOBIAOSONG,
    face_for,
    mark_size,
    signature_indents,
    signer_lines,
    table_plan,
    text_width,
    title_lines,
    unbreakable,
)

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".html"


def write(rendered: Rendered) -> bytes:
    return to_html(rendered.document, rendered.meta).encode("utf-8")


def font(name: str, profile: str = "official") -> str:
    """A CSS font stack: the profile's face, the official face, its other names, the free
    stand-ins."""
    face = FACES[name]
    names = dict.fromkeys((face_for(name, profile)[0], face.name, *face.aliases, *face.free))
    return ", ".join([*(f'"{f}"' for f in names), face.generic])


def _css(profile: str = "official") -> str:
    # a stand-in for 小标宋 may be set bold (layout.STAND_INS)
    title_weight = "bold" if face_for(XIAOBIAOSONG, profile)[1] else "normal"
    headings = "\n".join(
        f"h{level + 1} {{ font-family: {font(face, profile)}; font-weight: {'bold' if bold else 'normal'}; }}"
        for level, (face, bold) in HEADING_FONTS.items()
        if level is not None
    )
    leads = "\n".join(
        f".lead-{level or 'plain'} {{ font-family: {font(face, profile)}; "
        f"font-weight: {'bold' if bold else 'normal'}; }}"
        for level, (face, bold) in HEADING_FONTS.items()
    )
    return f"""
@page {{ size: {PAGE[0]}mm {PAGE[1]}mm;
  margin: {MARGINS["top"]}mm {MARGINS["right"]}mm {MARGINS["bottom"]}mm {MARGINS["left"]}mm; }}
html {{ background: #e8e8e8; }}
body {{ margin: 0; }}
.page {{ box-sizing: border-box; width: {PAGE[0]}mm; min-height: {PAGE[1]}mm; margin: 0 auto;
  padding: {MARGINS["top"]}mm {MARGINS["right"]}mm {MARGINS["bottom"]}mm {MARGINS["left"]}mm;
  background: #fff; color: #000; font-family: {font(FANGSONG, profile)}; font-size: {BODY_PT}pt;
  line-height: {LINE_PT}pt; text-align: justify; }}
@media print {{ html {{ background: none; }} .page {{ width: auto; min-height: 0; padding: 0; }} }}
p, h2, h3, h4, h5 {{ margin: 0; text-indent: {INDENT_CHARS}em; font-size: {BODY_PT}pt; }}
h1 {{ margin: 0 0 {LINE_PT}pt; text-align: center; font-family: {font(XIAOBIAOSONG, profile)};
  font-size: {TITLE_PT}pt; line-height: {LINE_PT * 1.2:.2f}pt; font-weight: {title_weight}; }}
{headings}
{leads}
p.recipients {{ text-indent: 0; }}
.signature {{ margin-top: {LINE_PT}pt; }}
/* GB/T 9704 7.3.5: the 附件说明 and the signature stay with the body's last lines */
.keep, .note {{ break-inside: avoid; page-break-inside: avoid; }}
.signature p {{ text-indent: 0; text-align: right; }}
table {{ width: 100%; border-collapse: collapse; font-size: {TABLE_PT}pt; line-height: 1.5; }}
th, td {{ border: 1px solid #000; padding: 0 {CELL_PADDING_PT / 2:g}pt; text-align: center; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
thead {{ display: table-header-group; }}
caption {{ font-family: {font(HEADING_FONTS[1][0], profile)}; font-size: {BODY_PT}pt; line-height: {LINE_PT}pt;
  margin: {LINE_PT}pt 0 0.5em; }}
.page-break, .annex-label {{ break-before: page; page-break-before: always; }}
.masthead p {{ text-indent: 0; }}
.masthead .mark {{ color: #{RED}; text-align: center; font-family: {font(XIAOBIAOSONG, profile)};
  margin: {MARK_TOP_MM}mm 0 {2 * LINE_PT}pt; }}
.masthead .number {{ text-align: center; }}
.masthead .signed {{ display: flex; justify-content: space-between; align-items: flex-end; padding: 0 1em; }}
.masthead .signers {{ display: inline-grid; grid-template-columns: auto auto; }}
.masthead .signer {{ font-family: {font(KAITI, profile)}; }}
.masthead .level {{ font-family: {font(HEITI, profile)}; }}
.separator {{ border: 0; border-top: {SEPARATOR_PT}pt solid #{RED}; margin: {SEPARATOR_GAP_MM}mm 0 {2 * LINE_PT}pt; }}
.annex-label {{ text-indent: 0; font-family: {font(ANNEX_LABEL_FONT, profile)}; }}
.annex-title {{ margin-top: {LINE_PT}pt; }}
.imprint {{ margin-top: {2 * LINE_PT}pt; font-size: {IMPRINT_PT}pt; border-top: {IMPRINT_THICK_PT}pt solid #000;
  border-bottom: {IMPRINT_THICK_PT}pt solid #000; break-inside: avoid; }}
.imprint p {{ text-indent: 0; padding: 0 1em; font-size: {IMPRINT_PT}pt; }}
.imprint .cc {{ border-bottom: {IMPRINT_THIN_PT}pt solid #000; padding-left: 4em; text-indent: -3em; }}
.imprint .printed {{ display: flex; justify-content: space-between; }}
"""


def _title(text: str, given: list[str] | None = None) -> str:
    """A title's lines (as given, or broken as the DOCX breaks them), one <br> apart."""
    return "<br>".join(escape(line) for line in given or title_lines(text))


def to_html(document: Document, meta: Meta) -> str:
    body: list[str] = []
    for block in document.blocks:
        if isinstance(block, Title):
            body.append(f"<h1>{_title(block.text, block.lines)}</h1>")
        elif isinstance(block, Masthead):
            body.append(_masthead(block))
        elif isinstance(block, AttachmentNote):
            body.append(_note(block))
        elif isinstance(block, Annotation):
            body.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Annex):
            body.append(f'<p class="annex-label">{escape(block.label)}</p>')
            body.append(f'<h1 class="annex-title">{_title(block.title)}</h1>')
        elif isinstance(block, Imprint):
            body.append(_imprint(block))
        elif isinstance(block, Recipients):
            body.append(f'<p class="recipients">{escape(block.text)}</p>')
        elif isinstance(block, Heading):
            body.append(f"<h{block.level + 1}>{escape(block.text)}</h{block.level + 1}>")
        elif isinstance(block, Paragraph):
            body.append(_paragraph(block))
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Signature):
            issuer, date = signature_indents(block.issuer, block.date)
            lines = [f'<p style="padding-right: {issuer:g}em">{escape(block.issuer)}</p>']
            if block.date:
                lines.append(f'<p style="padding-right: {date:g}em">{escape(block.date)}</p>')
            signature = f'<div class="signature">{"".join(lines)}</div>'
            # the body's last paragraph, the 附件说明 and the signature on one page
            # (GB/T 9704 7.3.5): one block the printed page never breaks
            kept = []
            if body and body[-1].startswith('<div class="note">'):
                kept.insert(0, body.pop())
            if body and body[-1].startswith("<p"):
                kept.insert(0, body.pop())
            body.append(f'<div class="keep">{"".join(kept)}{signature}</div>')
        elif isinstance(block, PageBreak):
            body.append('<div class="page-break"></div>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kxreport">\n<meta name="author" content="{escape(meta.author)}">\n'
        f"<title>{escape(meta.title)}</title>\n<style>{_css(meta.fonts)}</style>\n</head>\n"
        '<body>\n<main class="page">\n' + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _paragraph(block: Paragraph) -> str:
    parts = []
    for index, run in enumerate(block.runs):
        text = escape(run.text)
        if index == 0 and run.bold:
            parts.append(f'<span class="lead-{block.lead_level or "plain"}">{text}</span>')
        elif run.bold:
            parts.append(f"<strong>{text}</strong>")
        else:
            parts.append(text)
    return f"<p>{''.join(parts)}</p>"


def _table(block: Table) -> str:
    # the same plan as the DOCX: the size at which no number breaks, numbers kept whole
    plan = table_plan([block.header, *block.rows], TYPE_AREA_PT[0])

    def cell(tag: str, text: str, column: int) -> str:
        align = block.align[column] if column < len(block.align) else None
        styles = [f"text-align: {align}"] if align else []
        if unbreakable(text):
            styles.append("white-space: nowrap")
        style = f' style="{"; ".join(styles)}"' if styles else ""
        return f"<{tag}{style}>{escape(text)}</{tag}>"

    size = "" if plan.size_pt == TABLE_SIZES_PT[0] else f' style="font-size: {plan.size_pt:g}pt"'
    caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
    head = "".join(cell("th", text, c) for c, text in enumerate(block.header))
    rows = "".join(
        "<tr>" + "".join(cell("td", text, c) for c, text in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    return f"<table{size}>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _masthead(block: Masthead) -> str:
    levels = "".join(
        f'<p class="level">{escape(text)}</p>'
        for text in (block.copy_number, block.secrecy, block.urgency)
        if text
    )
    mark = (
        f'<p class="mark" style="font-size: {mark_size(block.mark):g}pt; '
        f'line-height: {mark_size(block.mark):g}pt">{escape(block.mark)}</p>'
    )
    number = escape(block.number or "")
    if block.signers:
        # 发文字号 on the last line of the names; every line of names under the first name
        cells = "".join(
            f'<span>{SIGNER_PREFIX if index == 0 else ""}</span><span class="signer">'
            f"{escape(names)}</span>"
            for index, names in enumerate(signer_lines(block.signers))
        )
        line = f'<p class="signed"><span>{number}</span><span class="signers">{cells}</span></p>'
    else:
        line = f'<p class="number">{number}</p>' if number else ""
    return f'<header class="masthead">{levels}{mark}{line}<hr class="separator"></header>'


def _note(block: AttachmentNote) -> str:
    out = []
    for index, item in enumerate(block.items):
        number = re.match(r"^\d+\.", item)
        width = text_width(number.group(0)) if number else 0
        prefix = NOTE_PREFIX if index == 0 else ""
        left = INDENT_CHARS + text_width(NOTE_PREFIX) + width
        hanging = width + text_width(prefix)
        style = f"padding-left: {left:g}em; text-indent: -{hanging:g}em"
        top = f"; margin-top: {LINE_PT}pt" if index == 0 else ""
        out.append(f'<p style="{style}{top}">{escape(prefix + item)}</p>')
    return f'<div class="note">{"".join(out)}</div>'


def _imprint(block: Imprint) -> str:
    rows = []
    if block.cc:
        rows.append(f'<p class="cc">{escape(block.cc)}</p>')
    if block.printer or block.printed:
        rows.append(
            f'<p class="printed"><span>{escape(block.printer or "")}</span>'
            f"<span>{escape(block.printed or '')}</span></p>"
        )
    return f'<footer class="imprint">{"".join(rows)}</footer>'
