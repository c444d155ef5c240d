"""Reading claim files: every row validated before anything is stored, bad rows named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifiers.errors import InvalidInput
from verifiers.interchange.tabular import stream_claims
from verifiers.models import ClaimFields, SourceRole, Status


def read_all(path: Path, fmt: str | None = None, guild_id: int | None = None) -> list[ClaimFields]:
    """The whole file, as `claimbot import` reads it (errors come once it is read)."""
    return list(stream_claims(path, fmt, guild_id))


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_csv_with_source_columns_and_quoted_newlines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        "id,text,title,status,source_url,publisher,published,quote,role\n"
        '7,"Line one\nline two of the claim",A title,false,'
        'https://ex.org/a,Ex,2024-01-02,"q, with comma",fact_check\n',
    )
    [claim] = read_all(path)
    assert claim.text == "Line one\nline two of the claim"
    assert claim.summary == "A title"
    assert claim.status is Status.FALSE
    assert claim.external_id == "7"
    [source] = claim.sources
    assert str(source.url) == "https://ex.org/a"
    assert source.quote == "q, with comma"
    assert source.role is SourceRole.FACT_CHECK


def test_jsonl_with_nested_sources_and_guild(tmp_path: Path) -> None:
    row = {
        "id": "x1",
        "text": "The reservoir is at 40% capacity",
        "status": "reported",
        "sources": [{"url": "https://ex.org/r", "publisher": "Water Board", "role": "official"}],
    }
    path = write(tmp_path, "c.jsonl", json.dumps(row) + "\n\n")
    [claim] = read_all(path, guild_id=99)
    assert claim.guild_id == 99
    assert claim.sources[0].role is SourceRole.OFFICIAL


def test_defaults_when_optional_columns_are_absent(tmp_path: Path) -> None:
    [claim] = read_all(write(tmp_path, "c.tsv", "text\nThe bridge reopened in May\n"))
    assert claim.status is Status.UNVERIFIED
    assert claim.external_id is None
    assert claim.sources == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "c.csv",
            "id,text,status\n1,Good claim here,confirmed\n2,Another claim,maybe\n",
            "line 3: status",
        ),
        ("c.csv", "id,body\n1,x\n", "'text' column"),
        ("c.csv", "id,text\n1,Good claim here\n1,Same id again\n", "repeats line 2"),
        ("c.csv", "id,text\n1,ok claim text,extra\n", "more fields than the header"),
        ("c.csv", "id,text,source_url\n1,Some claim text,https://ex.org\n", "publisher"),
        ("c.jsonl", '{"text": "fine claim"}\n{not json}\n', "line 2: not valid JSON"),
        ("c.jsonl", "[1, 2]\n", "expected a JSON object"),
        (
            "c.csv",
            "id,text,published,publisher,source_url\n1,Claim text,31/02/2024,P,https://e.org\n",
            "published",
        ),
        ("c.csv", "id,text\n", "no claims found"),
        ("c.txt", "text\nhello world\n", "cannot tell the format"),
    ],
)
def test_bad_files_are_named_and_nothing_returned(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        read_all(write(tmp_path, name, content))
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_all(write(tmp_path, "c.csv", b"text\n\xff\xfe claim\n"))


def test_many_bad_rows_are_counted_but_only_a_few_listed(tmp_path: Path) -> None:
    rows = "".join(f"{i},x\n" for i in range(20))  # text too short on every row
    with pytest.raises(InvalidInput) as info:
        read_all(write(tmp_path, "c.csv", "id,text\n" + rows))
    message = str(info.value)
    assert "20 bad row(s)" in message
    assert "(and 15 more)" in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        read_all(tmp_path / "missing.csv")
