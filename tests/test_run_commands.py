"""run.py's commands behave safely: the website build never deletes a folder it did not write,
and stopping a server with Ctrl+C (twice, as Jupyter's own prompt invites) ends without a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tools import book
from tools.notebook_tools import ROOT


def test_website_build_refuses_a_folder_it_did_not_write(tmp_path):
    folder = tmp_path / "my_documents"
    folder.mkdir()
    (folder / "thesis.md").write_text("months of work", encoding="utf-8")
    with pytest.raises(RuntimeError, match="nothing was deleted"):
        book.build(folder)  # refused before anything is built or deleted
    assert (folder / "thesis.md").read_text(encoding="utf-8") == "months of work"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(RuntimeError, match="is a file"):
        book.check_output(a_file)


def test_website_build_accepts_new_empty_marked_and_default_folders(tmp_path):
    book.check_output(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    book.check_output(tmp_path / "empty")
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "index.html").write_text("<html></html>", encoding="utf-8")
    (earlier / book.SITE_MARKER).write_text("", encoding="utf-8")
    book.check_output(earlier)
    book.check_output(book.DEFAULT_OUTPUT)


def test_run_py_names_a_website_folder_from_where_the_command_was_typed(tmp_path, monkeypatch):
    import run

    calls = []
    monkeypatch.setattr(run, "ensure_packages", lambda kind: None)
    monkeypatch.setattr(run, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.chdir(tmp_path)
    run.cmd_html(["site"])
    run.cmd_trace(["failures/trace.zip"])
    assert calls[0][-1] == str(tmp_path / "site")  # not ROOT / "site", where run.py runs the build
    assert calls[1][-1] == str(tmp_path / "failures" / "trace.zip")
    assert run.from_caller(["--keep", "x"]) == ["--keep", str(tmp_path / "x")]


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT as sent by a POSIX terminal")
def test_ctrl_c_twice_stops_a_server_without_a_traceback():
    # A stand-in server: like Jupyter, it survives the first Ctrl+C (it would ask "Shut down?")
    # and stops after the second.
    server = ("import signal, sys, time\n"
              "count = []\n"
              "def on_int(*_):\n"
              "    count.append(1)\n"
              "    if len(count) == 2: sys.exit(0)\n"
              "    print('first', flush=True)\n"
              "signal.signal(signal.SIGINT, on_int)\n"
              "print('ready', flush=True)\n"
              "while True: time.sleep(0.01)\n")  # not signal.pause(): a signal just before it would be missed
    driver = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import run; "
              f"run.run_foreground([sys.executable, '-c', {server!r}])")
    process = subprocess.Popen([sys.executable, "-c", driver], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        os.killpg(process.pid, signal.SIGINT)
        assert process.stdout.readline().strip() == "first"  # the server is asking "Shut down?"
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 0, err
    assert "Traceback" not in err, err
