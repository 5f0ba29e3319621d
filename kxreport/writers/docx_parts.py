"""Every part of the .docx package except the body, written as WordprocessingML from the
rules of :mod:`kxreport.layout`: styles, page setup, page-number footers, font table,
settings, relationships and content types.

Nothing is read from a binary template, so a change to a rule in ``layout.py`` reaches the
document by construction. The parts are the same for every report and built once per
process (a few hundred microseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..layout import (
    ANNEX_LABEL_FONT,
    BODY_PT,
    FACES,
    FANGSONG,
    HEADING_FONTS,
    HEITI,
    IMPRINT_PT,
    INDENT_CHARS,
    LATIN,
    LINE_PT,
    MARGINS,
    PAGE,
    PAGE_NUMBER_PT,
    SONGTI,
    TABLE_PT,
    TITLE_PT,
    TYPE_AREA_MM,
    XIAOBIAOSONG,
    face_for,
)
from ..text import xml_escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"

# Word's units of the layout: twips (1/20 pt)
CHAR_TWIPS = BODY_PT * 20  # one character of 3号
INDENT_TWIPS = INDENT_CHARS * CHAR_TWIPS


def mm_twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


TYPE_AREA_TWIPS = mm_twips(TYPE_AREA_MM[0])


@dataclass(frozen=True)
class StyleSpec:
    style_id: str
    name: str
    east_asia: str
    size: float
    bold: bool = False
    align: str = "both"  # w:jc value
    first_line: int = 0  # twips
    outline: int | None = None
    keep_next: bool = False
    line: float | None = LINE_PT
    snap_to_grid: bool = True


STYLES = {
    "body": StyleSpec("KXBody", "公文正文", FANGSONG, BODY_PT, first_line=INDENT_TWIPS),
    "title": StyleSpec("KXTitle", "公文标题", XIAOBIAOSONG, TITLE_PT, align="center", line=None),
    **{
        f"h{level}": StyleSpec(
            f"Heading{level}",
            f"heading {level}",
            HEADING_FONTS[level][0],
            BODY_PT,
            bold=HEADING_FONTS[level][1],
            first_line=INDENT_TWIPS,
            outline=level - 1,
            keep_next=True,
        )
        for level in (1, 2, 3, 4)
    },
    "masthead": StyleSpec("KXMasthead", "版头", FANGSONG, BODY_PT, align="left"),
    "mark": StyleSpec("KXMark", "发文机关标志", XIAOBIAOSONG, TITLE_PT, align="center", line=None),
    "recipients": StyleSpec("KXRecipients", "主送机关", FANGSONG, BODY_PT, align="left"),
    "note": StyleSpec("KXNote", "附件说明", FANGSONG, BODY_PT),
    "annotation": StyleSpec("KXAnnotation", "附注", FANGSONG, BODY_PT, first_line=INDENT_TWIPS),
    "annex_label": StyleSpec(
        "KXAnnexLabel", "附件标识", ANNEX_LABEL_FONT, BODY_PT, align="left", keep_next=True
    ),
    "annex_title": StyleSpec(
        "KXAnnexTitle", "附件标题", XIAOBIAOSONG, TITLE_PT, align="center", line=None
    ),
    "signature": StyleSpec("KXSignature", "落款", FANGSONG, BODY_PT, align="right"),
    "caption": StyleSpec("KXCaption", "表题", HEITI, BODY_PT, align="center", keep_next=True),
    "table": StyleSpec(
        "KXTable", "表格文字", FANGSONG, TABLE_PT, align="center", line=None, snap_to_grid=False
    ),
    "footer": StyleSpec("KXFooter", "页码", SONGTI, PAGE_NUMBER_PT, align="right", line=None),
    "imprint": StyleSpec(
        "KXImprint", "版记", FANGSONG, IMPRINT_PT, align="left", snap_to_grid=False
    ),
}


def fonts_xml(latin: str, east_asia: str) -> str:
    """Latin text in ``latin``, CJK text in ``east_asia``; never a theme font."""
    return (
        f'<w:rFonts w:ascii="{xml_escape(latin)}" w:hAnsi="{xml_escape(latin)}" '
        f'w:cs="{xml_escape(LATIN)}" w:eastAsia="{xml_escape(east_asia)}" w:hint="eastAsia"/>'
    )


def _size(pt: float) -> str:
    half_points = round(pt * 2)
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _spacing(line: float | None) -> str:
    if line is None:
        return '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    return f'<w:spacing w:before="0" w:after="0" w:line="{round(line * 20)}" w:lineRule="exact"/>'


def _style(spec: StyleSpec, profile: str = "official") -> str:
    builtin = spec.name.startswith("heading ")
    custom = "" if builtin else ' w:customStyle="1"'
    ppr = (
        ("<w:keepNext/>" if spec.keep_next else "")
        + ('<w:snapToGrid w:val="0"/>' if not spec.snap_to_grid else "")
        + _spacing(spec.line)
        + f'<w:ind w:firstLine="{spec.first_line}"/><w:jc w:val="{spec.align}"/>'
        + (f'<w:outlineLvl w:val="{spec.outline}"/>' if spec.outline is not None else "")
    )
    east_asia, stand_in_bold = face_for(spec.east_asia, profile)
    bold = "1" if spec.bold or stand_in_bold else "0"
    rpr = (
        fonts_xml(LATIN, east_asia)
        + f'<w:b w:val="{bold}"/><w:bCs w:val="{bold}"/><w:color w:val="000000"/>'
        + _size(spec.size)
    )
    return (
        f'<w:style w:type="paragraph"{custom} w:styleId="{spec.style_id}">'
        f'<w:name w:val="{spec.name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


def styles_xml(profile: str = "official") -> str:
    """Document defaults (仿宋 3号, black, zh-CN), Normal, and one style per kind of
    paragraph; Heading 1–4 keep Word's built-in names so outlines and navigation work."""
    defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        + fonts_xml(LATIN, face_for(FANGSONG, profile)[0])
        + '<w:color w:val="000000"/>'
        + _size(BODY_PT)
        + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        + "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        + _spacing(None)
        + "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    base = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        f"<w:qFormat/><w:rPr>{fonts_xml(LATIN, face_for(FANGSONG, profile)[0])}</w:rPr></w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>"
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
        '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>"
    )
    styles = "".join(_style(spec, profile) for spec in STYLES.values())
    return f'{XML_DECL}<w:styles xmlns:w="{W_NS}">{defaults}{base}{styles}</w:styles>'


# the page number sits 7 mm below the type area: its line spans roughly 23-28 mm
FOOTER_MM = 23
HEADER_MM = 15


def sect_pr(*, last_page: bool = False) -> str:
    """The page setup: A4, the GB/T margins, a line grid of the body's pitch, the page
    numbers (odd pages right, even pages left). ``last_page``: the section of the 版记
    page, which starts on an even page, has no page number, and whose footer (the 版记)
    ends on the bottom edge of the type area."""
    if last_page:
        refs = (
            '<w:footerReference w:type="default" r:id="rIdFooterLast"/>'
            '<w:footerReference w:type="even" r:id="rIdFooterLast"/>'
            '<w:type w:val="evenPage"/>'
        )
        footer = MARGINS["bottom"]
    else:
        refs = (
            '<w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
            '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        )
        footer = FOOTER_MM
    margins = (
        f'w:top="{mm_twips(MARGINS["top"])}" w:right="{mm_twips(MARGINS["right"])}" '
        f'w:bottom="{mm_twips(MARGINS["bottom"])}" w:left="{mm_twips(MARGINS["left"])}" '
        f'w:header="{mm_twips(HEADER_MM)}" w:footer="{mm_twips(footer)}" w:gutter="0"'
    )
    return (
        f"<w:sectPr>{refs}"
        f'<w:pgSz w:w="{mm_twips(PAGE[0])}" w:h="{mm_twips(PAGE[1])}"/><w:pgMar {margins}/>'
        f'<w:cols w:space="720"/><w:docGrid w:type="lines" w:linePitch="{round(LINE_PT * 20)}"/>'
        "</w:sectPr>"
    )


def _footer(*, odd: bool) -> str:
    """“— 1 —” in 4号 宋体: odd pages right-aligned, even pages left, one character in."""
    style = STYLES["footer"].style_id
    inset = round(PAGE_NUMBER_PT * 20)
    side = f'<w:ind w:right="{inset}"/><w:jc w:val="right"/>'
    if not odd:
        side = f'<w:ind w:left="{inset}"/><w:jc w:val="left"/>'
    paragraph = (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{side}</w:pPr>'
        '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p>'
    )
    return f'{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{paragraph}</w:ftr>'


# GB2312 fonts are charset 86 (GB2312_CHARSET) and carry their PANOSE class: Word and WPS use
# both to pick a stand-in when the named face is missing; the other name (仿宋 for
# 仿宋_GB2312, or the official name under the windows profile) is the altName
def _font_table(profile: str = "official") -> str:
    entries = []
    for face in FACES.values():
        cjk = face.name != LATIN
        name = face_for(face.name, profile)[0]
        other = face.name if name != face.name else (face.aliases[0] if face.aliases else "")
        alt = f'<w:altName w:val="{xml_escape(other)}"/>' if other else ""
        panose = f'<w:panose1 w:val="{face.panose}"/>' if face.panose else ""
        charset = "86" if cjk else "00"
        family = "modern" if face.generic == "sans-serif" else "roman"
        entries.append(
            f'<w:font w:name="{xml_escape(name)}">{alt}{panose}<w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{"fixed" if cjk else "variable"}"/>'
            "</w:font>"
        )
    return f'{XML_DECL}<w:fonts xmlns:w="{W_NS}">{"".join(dict.fromkeys(entries))}</w:fonts>'


_SETTINGS = (
    f'{XML_DECL}<w:settings xmlns:w="{W_NS}"><w:defaultTabStop w:val="{CHAR_TWIPS * 2}"/>'
    '<w:evenAndOddHeaders/><w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="14"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
    '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>'
)

# Extended properties that say what made the file; Word recomputes the statistics itself.
_APP = (
    f"{XML_DECL}"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>kxreport</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)

_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml"

# part name -> (relationship id from document.xml, relationship type, content type)
_WORD_PARTS = {
    "styles.xml": ("rIdStyles", "styles", f"{_WORD_TYPE}.styles+xml"),
    "settings.xml": ("rIdSettings", "settings", f"{_WORD_TYPE}.settings+xml"),
    "fontTable.xml": ("rIdFonts", "fontTable", f"{_WORD_TYPE}.fontTable+xml"),
    "footer1.xml": ("rIdFooterOdd", "footer", f"{_WORD_TYPE}.footer+xml"),
    "footer2.xml": ("rIdFooterEven", "footer", f"{_WORD_TYPE}.footer+xml"),
    "footer3.xml": ("rIdFooterLast", "footer", f"{_WORD_TYPE}.footer+xml"),
}


def _relationships(rels: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rels
    )
    return (
        f"{XML_DECL}<Relationships "
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    )


def _content_types() -> str:
    overrides = [
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        ),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/word/document.xml", f"{_WORD_TYPE}.document.main+xml"),
        *((f"/word/{name}", content) for name, (_, _, content) in _WORD_PARTS.items()),
    ]
    body = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
    return (
        f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{body}</Types>"
    )


# the footer of the 版记 page: empty unless the document has a 版记
LAST_PAGE_FOOTER = "word/footer3.xml"
DOCUMENT_OPEN = f'{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
DOCUMENT_CLOSE = "</w:body></w:document>"


@lru_cache(maxsize=4)
def static_parts(profile: str = "official") -> dict[str, bytes]:
    """Every part that is the same for every report of a font profile."""
    word = {
        "styles.xml": styles_xml(profile),
        "settings.xml": _SETTINGS,
        "fontTable.xml": _font_table(profile),
        "footer1.xml": _footer(odd=True),
        "footer2.xml": _footer(odd=False),
        # the 版记 page's footer: written by the DOCX writer when there is a 版记
        "footer3.xml": f'{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p/></w:ftr>',
    }
    parts = {f"word/{name}": text for name, text in word.items()}
    parts["word/_rels/document.xml.rels"] = _relationships(
        [(rid, f"{_OFFICE}/{kind}", name) for name, (rid, kind, _) in _WORD_PARTS.items()]
    )
    parts["_rels/.rels"] = _relationships(
        [
            ("rId1", f"{_OFFICE}/officeDocument", "word/document.xml"),
            (
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml",
            ),
            ("rId3", f"{_OFFICE}/extended-properties", "docProps/app.xml"),
        ]
    )
    parts["[Content_Types].xml"] = _content_types()
    parts["docProps/app.xml"] = _APP
    return {name: text.encode("utf-8") for name, text in parts.items()}
