"""The tools' argparse parser: a bad command line ends as one line on stderr and exit status 2.

argparse's own ``error`` prints the whole usage before its message; the tools say only what is wrong
(``plan: error: unrecognized arguments: --bogus``), the way every other bad input ends. ``compare``
turns the message into its own usage error instead, to print it with its other input errors.
"""

from __future__ import annotations

import argparse
import sys


class ToolParser(argparse.ArgumentParser):
    """``label``: what the error line starts with (the parser's ``prog`` unless given); ``raise_as``:
    an exception class to raise with the message instead of printing it and exiting."""

    def __init__(self, *args, label: str | None = None, raise_as: type[Exception] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label or self.prog
        self.raise_as = raise_as

    def error(self, message: str):
        if self.raise_as is not None:
            raise self.raise_as(message)
        print(f"{self.label}: error: {message}", file=sys.stderr)
        raise SystemExit(2)
