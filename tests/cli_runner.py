"""Running the command line in-process for tests (imported as ``tests.cli_runner``)."""

from __future__ import annotations

from types import SimpleNamespace


def run_main(capsys, *args):
    """``python -m ewarning ARGS`` in-process: same parser, commands and exit codes, no interpreter start-up."""
    from ewarning.cli import main

    capsys.readouterr()
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:      # argparse refusing the command line
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)
