"""The installed command ends like ``sys.exit`` would — exit status, every byte of output,
exit functions — without the interpreter's teardown, and its collector still collects."""

from __future__ import annotations

import json
import textwrap

import pytest

from .conftest import EXAMPLES, run_kxreport, run_python


def script(body: str) -> str:
    return "import atexit, os, sys, threading, time\nfrom kxreport import process\n" + (
        textwrap.dedent(body)
    )


def test_the_command_gives_its_exit_status_and_all_of_its_output(tmp_path):
    done = run_kxreport("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)  # complete: tens of kilobytes through a pipe
    assert schema["title"] and len(done.stdout) > 20_000
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (EXAMPLES / "linfen-2022.yaml").read_text("utf-8").replace("year: 2022", "year: 20x2"),
        "utf-8",
    )
    failed = run_kxreport("validate", str(bad))
    assert failed.returncode == 1 and "错误" in failed.stderr
    usage = run_kxreport("validate", "--no-such-option")
    assert usage.returncode == 2 and "--no-such-option" in usage.stderr


def test_exit_functions_run_last_first_and_their_output_is_kept():
    done = run_python(
        "-c",
        script(
            """
            atexit.register(print, "registered first, runs last")
            atexit.register(print, "registered last, runs first")
            print("working", end=" | ")
            process.leave(3)
            print("never")
            """
        ),
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout == "working | registered last, runs first\nregistered first, runs last\n"


def test_a_message_as_exit_code_goes_to_standard_error_with_status_1():
    done = run_python("-c", script('process.leave("写入失败")'))
    assert (done.returncode, done.stderr) == (1, "写入失败\n")
    assert run_python("-c", script("process.leave(None)")).returncode == 0


def test_a_reader_that_went_away_gives_status_1_and_no_python_noise():
    done = run_python(
        "-c",
        script(
            """
            read, write = os.pipe()
            os.close(read)  # the reader (| head) is gone
            os.dup2(write, 1)
            print("x" * 1000)  # still in the buffer: the failure comes at the flush
            process.leave(0)
            """
        ),
        env={"PYTHONUNBUFFERED": ""},  # buffered, as standard output into a pipe is
    )
    assert done.returncode == 1
    assert done.stderr == ""  # no “Exception ignored … BrokenPipeError”


def test_a_thread_still_working_is_waited_for():
    done = run_python(
        "-c",
        script(
            """
            def late():
                time.sleep(0.3)
                print("finished", flush=True)

            threading.Thread(target=late).start()
            process.leave(0)
            """
        ),
    )
    assert (done.returncode, done.stdout) == (0, "finished\n")


def test_the_collector_runs_less_often_but_still_collects_cycles():
    done = run_python(
        "-c",
        script(
            """
            import gc
            process.start()
            assert gc.get_threshold()[0] == process.FIRST_GENERATION
            before = gc.get_stats()[0]["collections"]
            for _ in range(300_000):  # cycles only the collector can free
                a = []
                a.append(a)
            print(gc.get_stats()[0]["collections"] - before, len(gc.get_objects()))
            """
        ),
    )
    assert done.returncode == 0, done.stderr
    collections, alive = map(int, done.stdout.split())
    assert collections >= 2
    assert alive < 200_000  # the 300 000 cycles did not all pile up


@pytest.mark.parametrize(
    "reading",
    [
        "from kxreport.loader import load; load(YEAR_FILE)",  # validate, build, stats, init
        "from kxreport.readers import read; read(ARTICLE)",  # import (here of a text file)
    ],
)
def test_reading_the_first_input_ends_start_up(reading, tmp_path):
    """Start-up's objects are set aside for good and the usual pace comes back, so a long
    batch collects as often as any Python program."""
    article = tmp_path / "article.txt"
    article.write_text(
        "示县科协2023年工作总结\n\n一、科普工作\n\n全年开展科普活动30场。\n", "utf-8"
    )
    done = run_python(
        "-c",
        script(
            f"""
            import gc
            usual = gc.get_threshold()
            process.start()
            from pathlib import Path
            YEAR_FILE, ARTICLE = {str(EXAMPLES / "linfen-2022.yaml")!r}, Path({str(article)!r})
            assert gc.get_freeze_count() == 0
            {reading}
            print(gc.get_threshold() == usual, gc.get_freeze_count() > 10_000)
            """
        ),
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "True True\n", "")


def test_the_library_leaves_the_collector_alone():
    done = run_python(
        "-c",
        script(
            f"""
            import gc
            usual = gc.get_threshold()
            from kxreport.loader import load
            load({str(EXAMPLES / "linfen-2022.yaml")!r})
            process.working()
            print(gc.get_threshold() == usual, gc.get_freeze_count())
            """
        ),
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "True 0\n", "")
