"""The Windows-1252 check DuckDB cannot make inside a gzipped CSV file.

`detect_csv_encoding` (a macro) reads a file that is not UTF-8 and holds no UTF-8
letter as latin-1, and stops on a plain file with a byte 80-9F (Windows-1252 curly
quotes, the euro sign, dashes) by looking at its raw bytes. A gzipped file's raw
bytes are compressed, so the macro cannot name that line, and DuckDB's latin-1
reader then stops with only "File is not latin-1 encoded". `run.py build` calls
`first_windows_1252_line` before dbt starts, so the error names the line.
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

CHUNK_BYTES = 1 << 24
# a byte 80-9F that is not inside a valid UTF-8 sequence: only looked for in lines
# that are not valid UTF-8, where those bytes are Windows-1252 letters
C1_BYTE = re.compile(rb"[\x80-\x9f]")


def first_windows_1252_line(path: Path) -> int | None:
    """The first line (the header is line 1) of a gzipped file that is not UTF-8 and
    holds a byte 80-9F, or None (valid UTF-8 lines are never looked into; a file
    cut short stops the search where it ends: the build reports the truncation)."""
    line_number = 1
    rest = b""
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                block, _, rest = (rest + chunk).rpartition(b"\n")
                found = first_match(block + b"\n" if block else b"", line_number)
                if found is not None:
                    return found
                line_number += block.count(b"\n") + (1 if block else 0)
    except (EOFError, OSError, zlib.error):
        return None
    return first_match(rest, line_number)


def first_match(block: bytes, first_line: int) -> int | None:
    """The number of the first line in `block` that is not UTF-8 and holds a byte
    80-9F; one fast decode of the whole block settles the common case."""
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    for offset, line in enumerate(block.split(b"\n")):
        if C1_BYTE.search(line) is None:
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return first_line + offset
    return None
