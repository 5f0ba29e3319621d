"""How right ``kxreport import`` is on real documents: every source of the labelled corpus
(``tests/corpus/import``) imported in one process, each field scored against the truth a
person wrote by reading it.

    python bench/import_eval.py            # per-field accuracy and the documents that are wrong
    python bench/import_eval.py --json     # the same as JSON
    python bench/import_eval.py --holdout  # the same on tests/corpus/import-holdout (see its README)
    python bench/import_eval.py --corpus import-holdout-2  # any labelled folder under tests/corpus
    python bench/import_eval.py --sources  # write each corpus's SOURCES.md from its truth files

A rule must raise a field's score without lowering another's; a rule written for one
document is a defect (the corpus is a sample of the documents people have, not a target).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "import"
HOLDOUT = ROOT / "tests" / "corpus" / "import-holdout"
FIELDS = ("title", "org", "level", "year", "kind", "period", "date")
SOURCE_SUFFIXES = (".txt", ".md", ".docx", ".html", ".htm")


@dataclass
class Scored:
    name: str
    index: int
    right: dict[str, bool] = field(default_factory=dict)
    got: dict[str, Any] = field(default_factory=dict)
    want: dict[str, Any] = field(default_factory=dict)
    numbers: int = 0
    numbers_recorded: int = 0
    missing_numbers: list[str] = field(default_factory=list)
    honours: int = 0
    honours_recorded: int = 0
    missing_honours: list[str] = field(default_factory=list)

    @property
    def all_right(self) -> bool:
        return all(self.right.values())


def _norm(text: Any) -> str:
    from kxreport.importing.clean import clean

    return re.sub(r"\s+", "", clean(str(text))) if text is not None else ""


def _org_forms(name: Any) -> str:
    """The name compared: 科协 for 科学技术协会, and a placeholder standing for the place
    (某县科协, XX县科协, x县科协) the same as none (县科协): neither is a name."""
    if not name:
        return ""
    return re.sub(r"^(?:某|[xX×Ｘ_]+)", "", _norm(name).replace("科学技术协会", "科协"))


def _title_ok(want: Any, got: Any) -> bool:
    if isinstance(got, list):
        got = "".join(got)
    if want is None or got is None:
        return want is None and got is None
    # a placeholder for a place is one, however many x it has (x县, xx县, XXX县)
    want_n, got_n = (re.sub(r"[xX×]+(?=[县市区镇乡省州])", "X", _norm(t)) for t in (want, got))
    if want_n == got_n:
        return True
    issued = re.search(r"关于(?:印发|下发|转发)?[《“]?(.+?)[》”]?的通知$", want_n)
    return bool(issued and _norm(issued[1]) == got_n)


def _number_forms(text: str) -> str:
    return re.sub(r"^(?:约|近|超过|超|共|达到|达|累计)", "", _norm(text)).replace(",", "")


def score(name: str, index: int, want: dict[str, Any], data: dict[str, Any] | None) -> Scored:
    from kxreport.content import strings

    out = Scored(name, index, want={f: want.get(f) for f in FIELDS})
    data = data or {}
    org = data.get("org") or {}
    got = {
        "title": data.get("title"),
        "org": org.get("name"),
        "level": org.get("level"),
        "year": data.get("year"),
        "kind": data.get("kind"),
        "period": data.get("period", "year") if data else None,
        "date": str(data["date"]) if data.get("date") else None,
    }
    out.got = got
    out.right["title"] = _title_ok(want.get("title"), got["title"])
    want_org = _org_forms(want.get("org"))
    out.right["org"] = (not want_org and not got["org"]) or (
        bool(want_org)
        and want_org in {_org_forms(org.get("name")), _org_forms(org.get("short_name"))}
    )
    out.right["level"] = want.get("level") == got["level"]
    out.right["year"] = want.get("year") == got["year"]
    out.right["kind"] = want.get("kind", "summary") == got["kind"]
    out.right["period"] = want.get("period", "year") == got["period"]
    want_date = str(want["date"]) if want.get("date") else None
    out.right["date"] = want_date == got["date"]
    recorded = [
        _number_forms(text)
        for loc, text in strings(data)
        if {"counts", "targets"} & set(map(str, loc)) and str(loc[-1]) == "value"
    ]
    for number in want.get("numbers") or []:
        out.numbers += 1
        n = _number_forms(str(number))
        if any(n == r or (n and n in r) or (r and r in n and len(r) >= 2) for r in recorded):
            out.numbers_recorded += 1
        else:
            out.missing_numbers.append(str(number))
    names = [
        _norm(text)
        for loc, text in strings(data)
        if "honours" in map(str, loc) and str(loc[-1]) == "name"
    ]
    for honour in want.get("honours") or []:
        out.honours += 1
        h = _norm(str(honour)).strip("“”")
        if any(h == n or (len(n) >= 4 and (h in n or n in h)) for n in names):
            out.honours_recorded += 1
        else:
            out.missing_honours.append(str(honour))
    return out


def corpora() -> list[Path]:
    """Every labelled folder: the corpus, the held-out batch and each later blind batch."""
    return sorted(p for p in CORPUS.parent.glob("import*") if p.is_dir() and truth_files(p))


def truth_files(corpus: Path = CORPUS) -> list[Path]:
    return sorted(corpus.glob("*.truth.yaml"))


def source_of(truth: Path) -> Path | None:
    stem = truth.name.removesuffix(".truth.yaml")
    for suffix in SOURCE_SUFFIXES:
        path = truth.with_name(stem + suffix)
        if path.exists():
            return path
    return None


def load_truth(path: Path) -> dict[str, Any]:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text("utf-8"))


def evaluate(corpus: Path = CORPUS) -> list[Scored]:
    """Every labelled document of the corpus, imported and scored."""
    from kxreport.errors import KxreportError
    from kxreport.importing import import_file

    scored: list[Scored] = []
    with tempfile.TemporaryDirectory() as tmp:
        for truth_path in truth_files(corpus):
            truth = load_truth(truth_path)
            source = source_of(truth_path)
            name = truth_path.name.removesuffix(".truth.yaml")
            documents = truth.get("documents") or []
            results: list[Any] = []
            if source is not None:
                try:
                    results = import_file(source, Path(tmp) / f"{name}.yaml")
                except KxreportError:
                    results = []
            for index, want in enumerate(documents):
                data = results[index].imported.data if index < len(results) else None
                scored.append(score(name, index, want, data))
    return scored


def table(scored: list[Scored]) -> dict[str, float]:
    n = len(scored) or 1
    figures = {f: sum(s.right[f] for s in scored) / n for f in FIELDS}
    figures["all fields"] = sum(s.all_right for s in scored) / n
    total = sum(s.numbers for s in scored) or 1
    figures["numbers recorded"] = sum(s.numbers_recorded for s in scored) / total
    honours = sum(s.honours for s in scored) or 1
    figures["honours recorded"] = sum(s.honours_recorded for s in scored) / honours
    return figures


def sources_md(corpus: Path = CORPUS) -> str:
    lines = [
        "# Sources of the import corpus",
        "",
        "Generated by `python bench/import_eval.py --sources` from the truth files. Each source is",
        "kept as it was published or stored (page furniture included); the truth file beside it",
        "says what a reader finds in it.",
        "",
        "| file | shape | documents | where it came from |",
        "|---|---|---:|---|",
    ]
    for truth_path in truth_files(corpus):
        truth = load_truth(truth_path)
        source = source_of(truth_path)
        lines.append(
            f"| `{source.name if source else '?'}` | {truth.get('shape', '')} | "
            f"{len(truth.get('documents') or [])} | {str(truth.get('source', '')).replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    corpus = HOLDOUT if "--holdout" in argv else CORPUS
    if "--corpus" in argv[:-1]:  # any labelled folder: a new blind batch before it is scored
        named = argv[argv.index("--corpus") + 1]
        corpus = Path(named) if Path(named).is_dir() else CORPUS.parent / named
    if "--sources" in argv:
        for folder in corpora():
            (folder / "SOURCES.md").write_text(sources_md(folder), "utf-8")
            print(f"wrote {folder / 'SOURCES.md'}")
        return 0
    scored = evaluate(corpus)
    figures = table(scored)
    if "--json" in argv:
        print(
            json.dumps(
                {"documents": len(scored), "accuracy": figures}, ensure_ascii=False, indent=2
            )
        )
        return 0
    print(f"{len(scored)} documents in {len(truth_files(corpus))} sources ({corpus.name})\n")
    print("| field | right |\n|---|---:|")
    for key, value in figures.items():
        print(f"| {key} | {value:.1%} |")
    wrong = [s for s in scored if not s.all_right or s.missing_numbers or s.missing_honours]
    if wrong:
        print("\nwrong:")
    for s in wrong:
        bad = [f for f in FIELDS if not s.right[f]]
        print(f"- {s.name}#{s.index + 1}")
        for f in bad:
            print(f"    {f}: want {s.want[f]!r}, got {s.got[f]!r}")
        if s.missing_numbers:
            print(f"    numbers not recorded: {'、'.join(s.missing_numbers)}")
        if s.missing_honours:
            print(f"    honours not recorded: {'、'.join(s.missing_honours)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
