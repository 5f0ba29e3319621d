"""kxreport benchmark: cold single-file commands and batch builds at scale.

    python bench/run.py            # the full run (a few minutes on 2 cores)
    python bench/run.py --quick    # N = 20 and 100 only, for a smoke test

Prints a table and writes bench/results.json. Times are medians over repeated
whole-process runs of the installed ``kxreport`` command; the cold single-file commands
and pandoc's conversion run in turns, so their ratios hold while the machine's speed
drifts. Peak memory is the largest sum
of resident memory of the kxreport process and its worker processes, sampled every 20 ms.
When pandoc is installed, the same Markdown is converted to DOCX with pandoc, one process
per report and the same number of processes in parallel, as the baseline a user would
otherwise script. No network is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "linfen-2022.yaml"
RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {
    "help_ms": 150,
    "validate_ms": 250,
    "build_docx_ms": 400,
    "reports_per_s": 25,
    "vs_pandoc": 2.0,
    "peak_mb_3000": 300,
    "pdf_vs_soffice": 1.5,  # batch PDF time / one soffice call over the same DOCX files
    "watch_pdf_s": 1.2,
    "help_vs_pandoc": 2.5,  # cold time / pandoc's md→docx of the same report
    "validate_vs_pandoc": 4.5,
    "build_docx_vs_pandoc": 6.0,
    "import_vs_pandoc": 5.0,  # import of the 40 KB Word file / pandoc reading it
    "import_20000_vs_10000": 2.3,  # linear in the document's length
}


def kxreport() -> list[str]:
    """The ``kxreport`` console script installed beside the Python running the benchmark,
    else the one on PATH. (A version manager's shim on PATH, e.g. pyenv's bash script that
    finds the Python to run, adds ~50 ms of its own to every command.)"""
    beside = Path(sys.executable).with_name("kxreport")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("kxreport")
    return [found] if found else [sys.executable, "-m", "kxreport"]


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1024 / 1024


def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak tree memory (MB) of one command, which must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err.decode(errors='replace')[-2000:]}")
    return elapsed, peak


def median_ms(argv: list[str], runs: int, cwd: Path | None = None) -> float:
    timed(argv, cwd)  # warm the file cache; the interpreter still starts cold every run
    return statistics.median(timed(argv, cwd)[0] for _ in range(runs)) * 1000


def _wall(argv: list[str], cwd: Path) -> float:
    """Wall seconds of one command, which must succeed (no memory sampling beside it)."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{done.stderr.decode(errors='replace')}")
    return elapsed


def interleaved_ms(commands: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, float]:
    """The median time of each command, run in turns (one of each, ``runs`` times), so that
    the machine getting slower or faster for a while shows in all of them alike and their
    ratios hold."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():
        _wall(argv, cwd)  # warm the file cache; the interpreter still starts cold every run
    for _ in range(runs):
        for name, argv in commands.items():
            times[name].append(_wall(argv, cwd))
    return {name: round(statistics.median(t) * 1000, 1) for name, t in times.items()}


def generate(folder: Path, n: int) -> None:
    """N year files: the 临汾 example under N different organisation names."""
    text = EXAMPLE.read_text(encoding="utf-8")
    folder.mkdir(parents=True)
    for i in range(n):
        unit = f"第{i + 1}号示例市科学技术协会"
        (folder / f"unit-{i:05d}.yaml").write_text(
            text.replace("临汾市科学技术协会", unit), encoding="utf-8"
        )


def pandoc_batch(markdown: list[Path], out: Path, jobs: int) -> float:
    out.mkdir()

    def one(md: Path) -> None:
        subprocess.run(
            [
                "pandoc",
                str(md),
                "-f",
                "markdown",
                "-t",
                "docx",
                "-o",
                str(out / (md.stem + ".docx")),
            ],
            check=True,
            capture_output=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, markdown))
    return time.perf_counter() - start


def soffice_batch(docx_files: list[Path], out: Path) -> float:
    """LibreOffice's own one-call conversion of the files (profile made before timing)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice
    profile = out.parent / "soffice-profile"
    base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    target = "pdf:writer_pdf_Export"
    subprocess.run(
        [*base, "--convert-to", target, "--outdir", str(out / "warm"), str(docx_files[0])],
        check=True,
        capture_output=True,
    )
    start = time.perf_counter()
    subprocess.run(
        [*base, "--convert-to", target, "--outdir", str(out), *map(str, docx_files)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def pdf_batches(cmd: list[str], work: Path, jobs: int, sizes: list[int]) -> list[dict[str, object]]:
    """kxreport's PDF batch beside one soffice call over the DOCX files it builds."""
    rows = []
    for n in sizes:
        folder = work / f"pdf{n}"
        generate(folder / "in", n)
        subprocess.run(
            [*cmd, "build", str(folder / "in"), "-o", str(folder / "docx"), "-f", "docx"],
            check=True,
            capture_output=True,
        )
        docx_files = sorted((folder / "docx").glob("*.docx"))
        soffice_seconds = soffice_batch(docx_files, folder / "soffice")
        seconds, peak = timed(
            [*cmd, "build", str(folder / "in"), "-o", str(folder / "pdf"), "-f", "pdf",
             "-j", str(jobs)]
        )  # fmt: skip
        assert len(list((folder / "pdf").glob("*.pdf"))) == n
        rows.append(
            {
                "n": n,
                "seconds": round(seconds, 2),
                "soffice_seconds": round(soffice_seconds, 2),
                "vs_soffice": round(seconds / soffice_seconds, 2),
                "peak_mb": round(peak, 1),
            }
        )
        print(f"{'pdf N=' + str(n):>16}: {json.dumps(rows[-1])}", flush=True)
        shutil.rmtree(folder)
    return rows


def watch_pdf_seconds(cmd: list[str], work: Path, edits: int = 5) -> float:
    """Median time from saving an edit of the year file to the rebuilt PDF (the watch's
    300 ms debounce included)."""
    folder = work / "watch"
    folder.mkdir()
    source = folder / "2022.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    pdf = folder / "out" / "2022.pdf"
    process = subprocess.Popen(
        [*cmd, "build", str(source), "-f", "pdf", "-o", str(folder / "out"), "--watch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not pdf.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        times = []
        for i in range(edits):
            time.sleep(1.0)
            before = pdf.stat().st_mtime_ns
            source.write_text(text.replace("30余次", f"{31 + i}余次"), encoding="utf-8")
            start = time.perf_counter()
            while pdf.stat().st_mtime_ns == before and time.perf_counter() - start < 30:
                time.sleep(0.01)
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        process.terminate()
        process.wait(timeout=30)


_LOADED = "import kxreport.cli, kxreport.importing, docx\n"
_WORK = (
    "from pathlib import Path\nfrom kxreport.importing import import_file\n"
    "import_file(Path('page.docx'), Path('imported/page.yaml'))\n"
)


def import_rows(cmd: list[str], work: Path, runs: int) -> dict[str, object]:
    """``import``: a 40 KB Word file (the template site's page) beside pandoc reading the same
    file, in turns; time against length (10 000 and 20 000 paragraphs); the labelled corpus
    in one process call."""
    import docx

    rows: dict[str, object] = {}
    page = ROOT / "tests" / "data" / "seeds" / "four-sample-summaries.txt"
    document = docx.Document()
    for line in page.read_text("utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(work / "page.docx")
    rows["import_kb"] = round(len(page.read_bytes()) / 1024, 1)
    commands = {"import_docx_ms": [*cmd, "import", "page.docx", "-o", "imported", "--force"]}
    # the same import with the interpreter and its libraries already loaded: the command's own
    # work, without the start-up every command of a Python CLI pays
    commands["startup_ms"] = [sys.executable, "-c", _LOADED]
    commands["import_docx_work_ms"] = [sys.executable, "-c", _LOADED + _WORK]
    if shutil.which("pandoc"):
        commands["pandoc_docx_to_md_ms"] = ["pandoc", "page.docx", "-t", "markdown", "-o", "p.md"]
    rows.update(interleaved_ms(commands, runs, work))
    own = rows.pop("import_docx_work_ms") - rows["startup_ms"]  # type: ignore[operator]
    rows["import_docx_work_ms"] = round(own, 1)
    if "pandoc_docx_to_md_ms" in rows:
        pandoc = rows["pandoc_docx_to_md_ms"]
        rows["import_vs_pandoc"] = round(rows["import_docx_ms"] / pandoc, 2)  # type: ignore[operator]
        rows["import_work_vs_pandoc"] = round(own / pandoc, 2)  # type: ignore[operator]
    para = "全年开展科普活动30场，参与群众3000人次，发放资料500份，培训农民1200人次。"
    for n in (10_000, 20_000):
        lines = ["某县科协2023年工作总结"]
        for i in range(n):
            if i % 50 == 0:
                lines.append(f"{'一二三四五六七八九十'[(i // 50) % 10]}、第{i // 50}部分工作")
            lines.append(para)
        (work / f"long{n}.txt").write_text("\n".join(lines), "utf-8")
        rows[f"import_{n}_paragraphs_s"] = round(
            _wall([*cmd, "import", f"long{n}.txt", "-o", "long.yaml", "--force"], work), 2
        )
    rows["import_20000_vs_10000"] = round(
        rows["import_20000_paragraphs_s"] / rows["import_10000_paragraphs_s"],  # type: ignore[operator]
        2,
    )
    corpus = sorted((ROOT / "tests" / "corpus" / "import").glob("*.txt"))
    start = time.perf_counter()
    subprocess.run(
        [*cmd, "import", *map(str, corpus), "-o", str(work / "corpus"), "--force"],
        cwd=work,
        capture_output=True,
        check=False,
    )
    rows["import_corpus_files"] = len(corpus)
    rows["import_corpus_s"] = round(time.perf_counter() - start, 2)
    for name, value in rows.items():
        print(f"{name:>24}: {value}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 20 and 100 only")
    parser.add_argument("--import-only", action="store_true", help="only the import figures")
    parser.add_argument("--runs", type=int, default=15, help="runs per cold single-file figure")
    parser.add_argument(
        "--pandoc-max", type=int, default=1000, help="largest N for the pandoc baseline"
    )
    args = parser.parse_args()
    jobs = os.cpu_count() or 1
    sizes = [20, 100] if args.quick else [100, 1000, 3000]
    cmd = kxreport()
    # kxreport as pip installs it: byte-compiled. (An editable install under
    # PYTHONDONTWRITEBYTECODE would compile every module from source on every run.)
    import compileall

    import kxreport as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    results: dict[str, object] = {
        "cpus": jobs,
        "python": sys.version.split()[0],
        "targets": TARGETS,
    }

    if args.import_only:
        with tempfile.TemporaryDirectory(prefix="kxbench-") as tmp:
            import_rows(cmd, Path(tmp), args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="kxbench-") as tmp:
        work = Path(tmp)
        shutil.copy(EXAMPLE, work / EXAMPLE.name)
        single = {
            "help_ms": [*cmd, "--help"],
            "validate_ms": [*cmd, "validate", EXAMPLE.name],
            "build_md_ms": [*cmd, "build", EXAMPLE.name, "-f", "md", "-o", "out"],
            "build_docx_ms": [*cmd, "build", EXAMPLE.name, "-f", "docx", "-o", "out"],
        }
        # the floor under every Python command on this machine: the interpreter starting
        single = {"python_ms": [sys.executable, "-c", "pass"], **single}
        if shutil.which("pandoc"):
            # pandoc converting the same report's Markdown to DOCX, cold, as the baseline
            subprocess.run([*cmd, "build", EXAMPLE.name, "-f", "md", "-o", "md"], cwd=work)
            md = f"md/{EXAMPLE.stem}.md"
            single["pandoc_md_to_docx_ms"] = ["pandoc", md, "-t", "docx", "-o", "p.docx"]
        results.update(interleaved_ms(single, args.runs, work))
        for name in single:
            print(f"{name:>20}: {results[name]:8.1f} ms", flush=True)
        if "pandoc_md_to_docx_ms" in results:
            for name in ("help", "validate", "build_docx"):
                ratio = results[f"{name}_ms"] / results["pandoc_md_to_docx_ms"]  # type: ignore[operator]
                results[f"{name}_vs_pandoc"] = round(ratio, 2)

        results.update(import_rows(cmd, work, args.runs))

        batches = []
        have_pandoc = shutil.which("pandoc") is not None
        for n in sizes:
            folder = work / f"n{n}"
            generate(folder / "in", n)
            seconds, peak = timed(
                [*cmd, "build", str(folder / "in"), "-o", str(folder / "out"), "-j", str(jobs)]
            )
            row: dict[str, object] = {
                "n": n,
                "seconds": round(seconds, 2),
                "reports_per_s": round(n / seconds, 1),
                "peak_mb": round(peak, 1),
            }
            if have_pandoc and n <= args.pandoc_max:
                markdown = sorted((folder / "out").glob("*.md"))
                pandoc_seconds = pandoc_batch(markdown, folder / "pandoc", jobs)
                row["pandoc_seconds"] = round(pandoc_seconds, 2)
                row["pandoc_reports_per_s"] = round(n / pandoc_seconds, 1)
                row["vs_pandoc"] = round(pandoc_seconds / seconds, 2)
            batches.append(row)
            print(f"{'batch N=' + str(n):>16}: {json.dumps(row, ensure_ascii=False)}", flush=True)
            shutil.rmtree(folder)
        results["batches"] = batches
        if shutil.which("soffice") or shutil.which("libreoffice"):
            results["pdf_batches"] = pdf_batches(cmd, work, jobs, [20, 100])
            results["watch_pdf_s"] = round(watch_pdf_seconds(cmd, work), 2)
            print(f"{'watch pdf (s)':>16}: {results['watch_pdf_s']}", flush=True)
        by_n = {b["n"]: b for b in batches}
        if 1000 in by_n and 3000 in by_n:
            results["growth_1000_to_3000"] = round(by_n[3000]["seconds"] / by_n[1000]["seconds"], 2)  # type: ignore[operator]
        results["pandoc"] = (
            subprocess.run(
                ["pandoc", "--version"], capture_output=True, text=True, check=False
            ).stdout.splitlines()[0]
            if have_pandoc
            else None
        )

    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(f"{'figure':<28}{'measured':>12}{'target':>16}")
    rows = [
        ("python -c pass (ms)", results["python_ms"], ""),
        ("cold --help (ms)", results["help_ms"], f"≤ {TARGETS['help_ms']}"),
        ("cold validate (ms)", results["validate_ms"], f"≤ {TARGETS['validate_ms']}"),
        ("cold build md (ms)", results["build_md_ms"], ""),
        ("pandoc md → docx (ms)", results.get("pandoc_md_to_docx_ms", "—"), ""),
        ("cold --help / pandoc (×)", results.get("help_vs_pandoc", "—"), "≤ 2.5"),
        ("cold validate / pandoc (×)", results.get("validate_vs_pandoc", "—"), "≤ 4.5"),
        ("build docx / pandoc (×)", results.get("build_docx_vs_pandoc", "—"), "≤ 6"),
        ("cold build docx (ms)", results["build_docx_ms"], f"≤ {TARGETS['build_docx_ms']}"),
        (f"import {results['import_kb']} KB docx (ms)", results["import_docx_ms"], "≤ 1000"),
        ("pandoc same docx → md (ms)", results.get("pandoc_docx_to_md_ms", "—"), ""),
    ]
    for b in batches:
        rows.append(
            (f"batch N={b['n']} (reports/s)", b["reports_per_s"], f"≥ {TARGETS['reports_per_s']}")
        )
        rows.append(
            (
                f"batch N={b['n']} peak (MB)",
                b["peak_mb"],
                f"≤ {TARGETS['peak_mb_3000']}" if b["n"] == 3000 else "",
            )
        )
        if "vs_pandoc" in b:
            rows.append(
                (f"batch N={b['n']} vs pandoc (×)", b["vs_pandoc"], f"≥ {TARGETS['vs_pandoc']}")
            )
    for b in results.get("pdf_batches", []):  # type: ignore[union-attr]
        rows.append((f"pdf N={b['n']} (s)", b["seconds"], ""))
        rows.append((f"soffice one call N={b['n']} (s)", b["soffice_seconds"], ""))
        rows.append((f"pdf N={b['n']} / soffice (×)", b["vs_soffice"], "≤ 1.5"))
    if "watch_pdf_s" in results:
        rows.append(("--watch pdf rebuild (s)", results["watch_pdf_s"], "≤ 1.2"))
    if "growth_1000_to_3000" in results:
        rows.append(("time growth 1000→3000 (×)", results["growth_1000_to_3000"], "≈ 3 (linear)"))
    for name, value, target in rows:
        print(f"{name:<28}{value!s:>12}{target:>16}")
    print(f"\nwritten: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
