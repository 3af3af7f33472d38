"""The tools' one argparse parser (components/tools/command_line.py): a bad command line is one line on
stderr and exit status 2 for every tool, with the tool's own label; compare gets its usage error."""

from __future__ import annotations

import pytest

from components.tools import azure_disks, catalog, lock, plan
from components.tools.command_line import ToolParser
from components.tools.compare import UsageError, build_parser


@pytest.mark.parametrize(
    ("main", "label"),
    [(plan.main, "plan"), (lock.main, "lock"), (azure_disks.main, "azure-disks"), (catalog.main, None)],
    ids=["plan", "lock", "azure-disks", "catalog"],
)
def test_every_tool_ends_a_bad_command_line_with_one_line_and_status_2(main, label, capsys):
    assert main(["--no-such-option"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "usage:" not in err
    assert err.startswith(f"{label or 'python -m components catalog'}: error: ")


def test_a_subcommand_names_itself_in_its_error(capsys):
    assert catalog.main(["refresh", "nosuchcloud"]) == 2
    assert capsys.readouterr().err.startswith("python -m components catalog refresh: error: ")


def test_compare_gets_its_usage_error_instead_of_an_exit():
    with pytest.raises(UsageError, match="--no-such-option"):
        build_parser().parse_args(["--no-such-option"])


def test_the_label_defaults_to_the_program_name(capsys):
    parser = ToolParser(prog="tool")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit):
        parser.parse_args(["--n", "x"])
    assert capsys.readouterr().err == "tool: error: argument --n: invalid int value: 'x'\n"
