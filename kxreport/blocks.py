"""The blocks a source is read into for ``import``: a paragraph or a table, with what the
source says about it beyond its text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """A paragraph or a table of the source, in document order."""

    text: str = ""
    style_level: int | None = None  # 0 = the Title style, 1-4 = Heading 1-4
    number: str = ""  # the label of Word's automatic numbering ("一、"), not in the text
    bold_lead: str = ""  # leading bold text when the rest of the paragraph is not bold
    bold: bool = False  # the whole paragraph is bold
    align: str | None = None  # "center" or "right"
    rows: list[list[str]] | None = None  # a table
    line: int = 0  # 1-based line (text) or paragraph number (docx), for messages

    @property
    def full_text(self) -> str:
        return self.number + self.text


@dataclass
class Read:
    blocks: list[Block] = field(default_factory=list)
    kind: str = "text"  # "docx", "text" or "html"
    published: dict[str, str] = field(default_factory=dict)  # a saved page's date
    own: bool = False  # a DOCX kxreport wrote (its indicator table lists exactly its counts)
