"""Reading a user's text file with one clear error for every way it can fail (standard library)."""

from __future__ import annotations

from pathlib import Path


class InputFileError(ValueError):
    """A file the user named that cannot be read as UTF-8 text; the message names it and why."""


def read_text(path: Path, expected: str) -> str:
    """The file's text; InputFileError for a missing file, a folder, non-UTF-8 bytes or an OS error.
    ``expected`` names what the file should be ("a YAML file", "a plan JSON file")."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, expected {expected}") from None
    except UnicodeDecodeError as error:
        raise InputFileError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot be read ({error.strerror or error})") from None
