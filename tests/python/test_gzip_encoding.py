"""The Windows-1252 check inside gzipped files (retail_segments.gzip_encoding) and the
hint `run.py build` adds to a failed build with it. The expected line is where the
test planted the byte; chunks are made small so the search crosses their borders."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from retail_segments import cli, gzip_encoding

HEADER = "InvoiceNo,StockCode,Description,Quantity"


def gzipped(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(gzip.compress(("\n".join([HEADER, *lines]) + "\n").encode(encoding)))
    return path


def plain_lines(count: int) -> list[str]:
    return [f"{536365 + i},85123A,WHITE HANGING HEART HOLDER,{i % 7 + 1}" for i in range(count)]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gzip_encoding, "CHUNK_BYTES", 1000)


@pytest.mark.parametrize("planted", [2, 37, 38, 500, 1001])
def test_the_first_windows_1252_line_is_the_planted_one(tmp_path: Path, planted: int) -> None:
    lines = plain_lines(1000)
    # a latin-1 letter (E9, not 80-9F) earlier is not Windows-1252 evidence
    lines[0] = lines[0].replace("WHITE", "CAF\u00c9")
    lines[planted - 2] = lines[planted - 2].replace("HEART", "HEART\u2019S")
    path = gzipped(tmp_path / "sales.csv.gz", lines, "cp1252")
    with gzip.open(path, "rb") as stream:
        numbered = stream.read().split(b"\n")
    expected = next(i + 1 for i, line in enumerate(numbered) if b"\x92" in line)
    assert gzip_encoding.first_windows_1252_line(path) == expected == planted


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        # valid UTF-8 whose curly apostrophe holds the byte 80 (E2 80 99)
        ("utf-8 with curly quotes", "HEART\u2019S", "utf-8"),
        ("latin-1 without 80-9F", "CAF\u00c9", "latin-1"),
        ("plain ASCII", "HEART", "ascii"),
    ],
)
def test_files_without_windows_1252_bytes_give_none(
    tmp_path: Path, name: str, text: str, encoding: str
) -> None:
    lines = plain_lines(300)
    lines[150] = lines[150].replace("HEART", text)
    path = gzipped(tmp_path / "sales.csv.gz", lines, encoding)
    assert gzip_encoding.first_windows_1252_line(path) is None, name


def test_a_file_cut_short_before_the_byte_gives_none(tmp_path: Path) -> None:
    lines = plain_lines(2000)
    lines[-1] = lines[-1].replace("HEART", "HEART\u2019S")
    whole = gzipped(tmp_path / "whole.csv.gz", lines, "cp1252").read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    assert gzip_encoding.first_windows_1252_line(cut) is None


def test_a_failed_build_names_the_line_of_each_gzipped_input(tmp_path: Path) -> None:
    lines = plain_lines(10)
    lines[3] = lines[3].replace("HEART", "HEART\u2013")  # an en dash, byte 96
    sales = gzipped(tmp_path / "sales.csv.gz", lines, "cp1252")
    people = gzipped(tmp_path / "people.csv.gz", plain_lines(3), "ascii")
    hint = cli.windows_1252_hint({"transactions_path": str(sales), "customers_path": str(people)})
    assert f"file '{sales}' (var transactions_path) is neither UTF-8 nor latin-1: line 5" in hint
    assert "people" not in hint
    assert "iconv -f CP1252" in hint
    # an encoding set by hand is the user's choice: no guess about it
    assert (
        cli.windows_1252_hint({"transactions_path": str(sales), "transactions_encoding": "utf-8"})
        == ""
    )
