"""Reading claim files: every row validated before anything is stored, bad rows named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifiers.domain.errors import InvalidInput
from verifiers.domain.models import ClaimFields, SourceRole, Status
from verifiers.interchange.tabular import ClaimFile, stream_claims


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
            "line 3, column status: must be one of",
        ),
        ("c.csv", "id,summary\n1,x\n", "'text' column"),
        ("c.csv", "id,text\n1,Good claim here\n1,Same id again\n", "'1' repeats line 2"),
        ("c.csv", "id,text\n1,ok claim text,extra\n", "more fields than the header"),
        (
            "c.csv",
            "id,text,source_url\n1,Some claim text,https://ex.org\n",
            "line 2, column publisher: a source needs a publisher",
        ),
        ("c.csv", "id,text,quote\n1,Some claim text,a quote alone\n", "needs a publisher"),
        ("c.jsonl", '{"text": "fine claim"}\n{not json}\n', "line 2: not valid JSON"),
        ("c.jsonl", "[1, 2]\n", "expected a JSON object"),
        (
            "c.csv",
            "id,text,published,publisher,source_url\n1,Claim text,31/02/2024,P,https://e.org\n",
            "line 2, column published: Input should be a valid date",
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


def test_many_bad_rows_are_counted_but_only_the_first_twenty_listed(tmp_path: Path) -> None:
    rows = "".join(f"{i},x\n" for i in range(25))  # text too short on every row
    with pytest.raises(InvalidInput) as info:
        read_all(write(tmp_path, "c.csv", "id,text\n" + rows))
    lines = str(info.value).splitlines()
    assert lines[0] == "c.csv: nothing imported; 25 errors in 25 rows:"
    assert lines[1] == "  line 2, column text: String should have at least 3 characters"
    assert lines[20].startswith("  line 21, column text:")
    assert lines[21:] == ["  … and 5 more errors"]


def test_every_problem_of_a_row_is_listed_by_column_as_the_file_names_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        "ID,Claim,Verdict,Date,Link,Outlet,Role\n"
        "1,ok,sorta,2024-13-01,not a url,,boss\n"
        "2,A good claim about bridges,false,2024-01-01,,,\n",
    )
    with pytest.raises(InvalidInput) as info:
        read_all(path)
    lines = str(info.value).splitlines()
    assert lines[0] == "c.csv: nothing imported; 6 errors:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "  line 2, column Claim",
        "  line 2, column Verdict",
        "  line 2, column Date",
        "  line 2, column Link",
        "  line 2, column Outlet",
        "  line 2, column Role",
    ]
    assert "(write dates as YYYY-MM-DD)" in lines[3]
    assert lines[5].endswith("a source needs a publisher")


def test_a_row_after_multi_line_cells_is_named_by_its_line_and_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        'text,status\n"A claim\nover three\nlines",false\nThe second claim here,sorta\n',
    )
    with pytest.raises(InvalidInput, match=r"line 5 \(row 3\), column status: must be one of"):
        read_all(path)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path, fmt: str) -> None:
    if fmt == "jsonl":
        content = '\ufeff{"id": "r1", "text": "The dam was finished in 2019"}\n'
    else:
        sep = "," if fmt == "csv" else "\t"
        content = f"\ufeffid{sep}text\r\nr1{sep}The dam was finished in 2019\r\n"
    [claim] = read_all(write(tmp_path, f"c.{fmt}", content))
    assert claim.external_id == "r1"


def test_excel_leftovers_hold_nothing_and_are_passed_over(tmp_path: Path) -> None:
    """Empty rows, and empty cells beyond the header or under an unnamed heading."""
    path = write(
        tmp_path,
        "c.csv",
        "id;text;status;\r\n1;Le barrage date de 2019;FALSE;\r\n;;;\r\n2;Second claim;true;;\r\n",
    )
    with pytest.raises(InvalidInput, match="line 4, column status"):  # "true" is not a status
        read_all(path)
    path.write_text(path.read_text().replace("true", "confirmed"))
    claims = read_all(path)
    assert [(c.external_id, c.status) for c in claims] == [
        ("1", Status.FALSE),
        ("2", Status.CONFIRMED),
    ]
    path.write_text("id,text,\n1,A claim with a stray value,stray\n")
    with pytest.raises(InvalidInput, match="line 2, column 3: a value under no heading"):
        read_all(path)


def test_jsonl_keys_are_matched_like_columns_and_unknown_keys_named_once(tmp_path: Path) -> None:
    rows = [
        {
            "ID": 7,
            " Claim ": "The tunnel opened in 2021",
            "RATING": "Misleading",
            "Sources": [{"URL": "https://ex.org/t", "Outlet": "Ex", "Role": "Fact Check"}],
        },
        {
            "id": 8,
            "text": "The tunnel closed in 2022",
            "explaination": "x",
            "sources": [{"url": "https://ex.org/u", "publisher": "Ex", "pubdate": "2022-01-01"}],
        },
        {"id": 9, "text": "The tunnel closed in 2023", "explaination": "y"},
    ]
    path = write(tmp_path, "c.jsonl", "".join(json.dumps(row) + "\n" for row in rows))
    with pytest.raises(InvalidInput) as info:
        read_all(path)
    assert str(info.value).splitlines() == [
        "c.jsonl: nothing imported; 2 errors:",
        "  line 2, key 'explaination': unknown key (did you mean 'explanation'?)",
        "  line 2, key 'sources[0].pubdate': unknown key (did you mean 'published_date'?)",
        "use --ignore-unknown to import without the unknown keys",
    ]
    reader = ClaimFile(path, ignore_unknown=True)
    first, *rest = list(reader)
    assert reader.ignored == ["explaination", "sources[].pubdate"]
    assert (first.external_id, first.status, len(rest)) == ("7", Status.MISLEADING, 2)
    assert first.sources[0].role is SourceRole.FACT_CHECK


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        read_all(tmp_path / "missing.csv")
