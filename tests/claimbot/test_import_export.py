"""`claimbot import` and `export` as a user meets them: Excel's files, loose headings, every
problem listed at once, and exports that import into a fresh database with nothing lost."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claimbot.main import main
from verifiers.domain.models import Claim, ClaimFields, Scope, Source, SourceRole, Status
from verifiers.store.sqlite.store import SqliteStore


@dataclass
class Run:
    code: int
    out: str
    err: str


class Claimbot:
    """The real `claimbot` entry point (its one-line errors and all) on a real SQLite file,
    under a config of its own: not seeded, so the database holds only what a test puts in."""

    def __init__(self, folder: Path, name: str, publisher_url: str = "") -> None:
        self.db = folder / f"{name}.db"
        self.config = folder / f"{name}.toml"
        self.config.write_text(
            "[database]\nseed_on_create = false\n"
            f'[publisher]\nname = "Example Checks"\nurl = "{publisher_url}"\n'
        )
        SqliteStore(self.db).close()  # an existing database: its creation is not announced

    def __call__(self, *args: str) -> Run:
        env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("CLAIMBOT_")}
        with CliRunner().isolation(env=env) as (out, err, _):
            code = 0
            try:
                main(["--db", str(self.db), "--config", str(self.config), *args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        return Run(code, out.getvalue().decode(), err.getvalue().decode())

    def claims(self) -> list[Claim]:
        with SqliteStore(self.db) as store:
            return list(store.iter_claims(Scope.everything(), include_retired=True))

    def add(self, *claims: ClaimFields) -> list[Claim]:
        with SqliteStore(self.db) as store:
            return [store.add_claim(fields, "cli:tester") for fields in claims]


@pytest.fixture
def bot(tmp_path: Path) -> Claimbot:
    return Claimbot(tmp_path, "claims")


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def error_lines(run: Run) -> list[str]:
    assert run.code == 2, run
    assert "Traceback" not in run.err
    assert run.err.startswith("error: ")
    return run.err.rstrip("\n").split("\n")


# -- Excel's CSV UTF-8: a byte-order mark, CRLF, empty rows ----------------------------------


@pytest.mark.parametrize("suffix", ["csv", "tsv", "jsonl"])
def test_a_file_with_a_byte_order_mark_keeps_its_ids_so_a_re_import_skips(
    bot: Claimbot, tmp_path: Path, suffix: str
) -> None:
    if suffix == "jsonl":
        rows = [{"id": "r1", "text": "The dam was finished in 2019", "status": "confirmed"}]
        rows.append({"id": "r2", "text": "The dam cost two billion", "status": "false"})
        body = "".join(json.dumps(row) + "\r\n" for row in rows)
    else:
        sep = "," if suffix == "csv" else "\t"
        body = (
            f"id{sep}text{sep}status\r\n"
            f"r1{sep}The dam was finished in 2019{sep}confirmed\r\n"
            f"r2{sep}The dam cost two billion{sep}false\r\n"
            f"{sep}{sep}\r\n"  # the empty row a spreadsheet leaves
        )
    path = write(tmp_path / f"excel.{suffix}", "\ufeff" + body)
    first = bot("import", str(path))
    assert (first.code, first.out, first.err) == (0, "imported 2 claim(s)\n", "")
    again = bot("import", str(path))
    assert again.out == "imported 0 claim(s); skipped 2 already imported\n"
    claims = bot.claims()
    assert sorted((c.external_id, c.status.value) for c in claims) == [
        ("r1", "confirmed"),
        ("r2", "false"),
    ]


def test_a_semicolon_separated_csv_from_excel_is_read(bot: Claimbot, tmp_path: Path) -> None:
    path = write(
        tmp_path / "europe.csv",
        "\ufeffid;text;claim_date\r\n1;Le barrage a coûté deux milliards, dit-on;2024-03-01\r\n",
    )
    assert bot("import", str(path)).out == "imported 1 claim(s)\n"
    [claim] = bot.claims()
    assert (claim.text, claim.claim_date) == (
        "Le barrage a coûté deux milliards, dit-on",
        date(2024, 3, 1),
    )


# -- headings: any case, spaces, aliases -----------------------------------------------------


def test_headings_match_in_any_case_and_by_their_aliases(bot: Claimbot, tmp_path: Path) -> None:
    path = write(
        tmp_path / "loose.csv",
        " ID ,Claim,RATING,Explanation ,Speaker,Date,Title,Link,Outlet,Source Title,"
        "Source-Date,Excerpt,Source Role\n"
        "k1,The bridge was closed for a year,False,It reopened after four months.,"
        "The mayor,2024-05-02,Bridge closure,https://news.example/bridge,News,Reopened,"
        "2024-09-01,reopened on Monday,Fact Check\n",
    )
    run = bot("import", str(path))
    assert (run.code, run.err) == (0, "")
    [claim] = bot.claims()
    assert claim.model_dump(include={"text", "status", "explanation", "claimant", "summary"}) == {
        "text": "The bridge was closed for a year",
        "status": Status.FALSE,
        "explanation": "It reopened after four months.",
        "claimant": "The mayor",
        "summary": "Bridge closure",
    }
    assert (claim.external_id, claim.claim_date) == ("k1", date(2024, 5, 2))
    assert claim.sources == [
        Source(
            url="https://news.example/bridge",
            publisher="News",
            title="Reopened",
            published=date(2024, 9, 1),
            quote="reopened on Monday",
            role=SourceRole.FACT_CHECK,
        )
    ]


def test_jsonl_keys_match_like_headings(bot: Claimbot, tmp_path: Path) -> None:
    row = {
        " Claim ": "The ferry carries 900 people a day",
        "Verdict": " MISLEADING ",
        "Sources": [
            {"Link": "https://port.example/a", "Publisher": "Port", "Role": "OFFICIAL"},
            {"URL": "https://news.example/b", "Outlet": "News", "Published": "2024-02-02"},
        ],
    }
    path = write(tmp_path / "loose.jsonl", json.dumps(row) + "\n")
    assert bot("import", str(path)).out == "imported 1 claim(s)\n"
    [claim] = bot.claims()
    assert claim.status is Status.MISLEADING
    assert [(s.publisher, s.role, s.published) for s in claim.sources] == [
        ("Port", SourceRole.OFFICIAL, None),
        ("News", SourceRole.ORIGINAL, date(2024, 2, 2)),
    ]


def test_two_headings_for_one_column_are_one_clear_line(bot: Claimbot, tmp_path: Path) -> None:
    path = write(tmp_path / "twice.csv", "text,url,Source URL\nA claim here,https://a.ex,\n")
    assert error_lines(bot("import", str(path))) == [
        "error: twice.csv: columns 'url' and 'Source URL' both give source_url"
    ]


# -- unknown columns -------------------------------------------------------------------------


def test_an_unknown_column_is_refused_naming_the_nearest(bot: Claimbot, tmp_path: Path) -> None:
    path = write(
        tmp_path / "typo.csv",
        "text,status,explaination,publisher\n"
        "The reservoir is empty,false,It is at 80%.,Water Board\n",
    )
    assert error_lines(bot("import", str(path))) == [
        "error: typo.csv: unknown column 'explaination' (did you mean 'explanation'?); "
        "use --ignore-unknown to import without it"
    ]
    assert bot.claims() == []
    path.write_text(path.read_text().replace("publisher", "sorce_url"))
    assert error_lines(bot("import", str(path))) == [
        "error: typo.csv: unknown columns 'explaination' (did you mean 'explanation'?), "
        "'sorce_url' (did you mean 'source_url'?); use --ignore-unknown to import without them"
    ]
    assert bot.claims() == []


def test_ignore_unknown_imports_the_rest_and_names_what_it_left(
    bot: Claimbot, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "typo.csv",
        "id,text,status,explaination,sorce_url,publisher\n"
        "w1,The reservoir is empty,FALSE,It is at 80%.,https://water.example,Water Board\n",
    )
    run = bot("import", str(path), "--ignore-unknown")
    assert (run.code, run.out) == (0, "imported 1 claim(s)\n")
    assert run.err == "ignored unknown column(s) in typo.csv: 'explaination', 'sorce_url'\n"
    [claim] = bot.claims()
    assert (claim.status, claim.explanation) == (Status.FALSE, "")
    assert [(s.url, s.publisher) for s in claim.sources] == [(None, "Water Board")]


def test_an_unknown_jsonl_key_is_named_with_its_line(bot: Claimbot, tmp_path: Path) -> None:
    rows = [
        {"id": 1, "text": "The ferry runs at night"},
        {"id": 2, "text": "The ferry is free on Sundays", "stauts": "false"},
    ]
    path = write(tmp_path / "typo.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    assert error_lines(bot("import", str(path))) == [
        "error: typo.jsonl: nothing imported; line 2, key 'stauts': unknown key "
        "(did you mean 'status'?); use --ignore-unknown to import without the unknown keys"
    ]
    run = bot("import", str(path), "--ignore-unknown")
    assert (run.out, run.err) == (
        "imported 2 claim(s)\n",
        "ignored unknown column(s) in typo.jsonl: 'stauts'\n",
    )


# -- statuses and roles in any case ----------------------------------------------------------


def test_statuses_and_roles_are_read_in_any_case(bot: Claimbot, tmp_path: Path) -> None:
    path = write(
        tmp_path / "case.csv",
        "id,text,status,publisher,role\n"
        "1,The first claim here,False,P,Fact_Check\n"
        "2,The second claim here,FALSE,P,OFFICIAL\n"
        "3,The third claim here, false ,P, fact-check \n"
        "4,The fourth claim here,Unverified,P,Original\n",
    )
    run = bot("import", str(path))
    assert (run.code, run.err) == (0, "")
    by_id = {c.external_id: c for c in bot.claims()}
    assert [(by_id[i].status, by_id[i].sources[0].role) for i in "1234"] == [
        (Status.FALSE, SourceRole.FACT_CHECK),
        (Status.FALSE, SourceRole.OFFICIAL),
        (Status.FALSE, SourceRole.FACT_CHECK),
        (Status.UNVERIFIED, SourceRole.ORIGINAL),
    ]


# -- every problem of every row, nothing imported --------------------------------------------


def test_every_problem_of_every_row_is_listed_and_nothing_imported(
    bot: Claimbot, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "bad.csv",
        "id,text,status,claim_date,source_url,publisher\n"
        "1,A perfectly good claim,confirmed,2024-01-01,,\n"
        "2,ok,sorta,2024-01-01,,\n"
        "3,Another good claim,false,yesterday,https://ex.org,\n"
        "2,A claim whose id repeats,false,,,\n",
    )
    assert error_lines(bot("import", str(path))) == [
        "error: bad.csv: nothing imported; 5 errors in 3 rows:",
        "  line 3, column text: String should have at least 3 characters",
        "  line 3, column status: must be one of 'confirmed', 'reported', 'unverified', "
        "'disputed', 'misleading' or 'false'",
        "  line 4, column claim_date: Input should be a valid date or datetime, input is too "
        "short (write dates as YYYY-MM-DD)",
        "  line 4, column publisher: a source needs a publisher",
        "  line 5, column id: '2' repeats line 3",
    ]
    assert bot.claims() == []


def test_past_twenty_problems_the_rest_are_counted(bot: Claimbot, tmp_path: Path) -> None:
    rows = "".join(f"{n},claim {n},maybe\n" for n in range(30))
    lines = error_lines(bot("import", str(write(tmp_path / "many.csv", "id,text,status\n" + rows))))
    assert lines[0] == "error: many.csv: nothing imported; 30 errors in 30 rows:"
    assert len(lines) == 22
    assert lines[1].startswith("  line 2, column status: must be one of")
    assert lines[20].startswith("  line 21, column status: must be one of")
    assert lines[21] == "  … and 10 more errors"
    assert bot.claims() == []


# -- bad files: one line, never a traceback --------------------------------------------------


GOOD_ROW = '{"id": "ok-1", "text": "The bridge closes on Monday for repairs"}\n'
REVIEW = '{"@type": "ClaimReview", "claimReviewed": "The moon is hollow", "identifier": %s}'


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("deep.jsonld", "[" * 5000 + "]" * 5000, "deep.jsonld: nested deeper than 64 levels"),
        ("deep65.json", "[" * 65 + "]" * 65, "deep65.json: nested deeper than 64 levels"),
        (
            "long.json",
            "[" + REVIEW % ("9" * 5000) + "]",
            "long.json: a number is longer than 100 digits",
        ),
        (
            "deep.jsonl",
            GOOD_ROW + '{"text": ' + "[" * 5000 + "]" * 5000 + "}\n",
            "deep.jsonl: nothing imported; line 2: nested deeper than 64 levels",
        ),
        (
            "long.jsonl",
            GOOD_ROW + '{"text": "A claim long enough", "guild_id": ' + "1" * 5000 + "}\n",
            "long.jsonl: nothing imported; line 2: a number is longer than 100 digits",
        ),
        (
            "huge.jsonl",
            GOOD_ROW + '{"text": "' + "a" * 1_000_000 + '"}\n',
            "huge.jsonl: nothing imported; line 2: longer than 1,000,000 characters",
        ),
        (
            "deep.csv",
            'text,sources\n"The bridge closes on Monday","' + "[" * 3000 + '"\n',
            "deep.csv: nothing imported; line 2, column sources: not a JSON list: "
            "nested deeper than 64 levels",
        ),
        (
            "huge.csv",
            'text\n"The bridge closes on Monday"\n"' + "a" * 1_000_001 + '"\n',
            "huge.csv line 3: field larger than field limit (1000000)",
        ),
        (
            "names.csv",
            "text," + "x" * 5000 + "," + ",".join(f"mine{i}" for i in range(15)) + "\nA claim\n",
            "names.csv: unknown columns '"
            + "x" * 59
            + "…', "
            + ", ".join(f"'mine{i}'" for i in range(9))
            + " and 6 more; use --ignore-unknown to import without them",
        ),
        (
            "keys.jsonl",
            GOOD_ROW + '{"text": "A claim long enough", "' + "k" * 5000 + '": 1}\n',
            "keys.jsonl: nothing imported; line 2, key '" + "k" * 59 + "…': unknown key; "
            "use --ignore-unknown to import without the unknown keys",
        ),
        (
            "sources.jsonl",
            GOOD_ROW + '{"text": "A claim long enough", "sources": true}\n',
            "sources.jsonl: nothing imported; line 2, key sources: Input should be a valid list",
        ),
    ],
)
def test_hostile_files_are_one_line_and_import_nothing(
    bot: Claimbot, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    """Past the limits on nesting, numbers and size: one line, exit status 2, nothing written."""
    [line] = error_lines(bot("import", str(write(tmp_path / name, content))))
    assert line == f"error: {expected}"
    assert bot.claims() == []


def test_bad_files_are_one_line_each(bot: Claimbot, tmp_path: Path) -> None:
    cp1252 = tmp_path / "ansi.csv"
    cp1252.write_bytes("text\nLe barrage coûte cher\n".encode("cp1252"))
    cases = {
        cp1252: "error: ansi.csv is not UTF-8 text (from Excel, save it as 'CSV UTF-8')",
        write(tmp_path / "broken.jsonld", "[{oops"): "error: broken.jsonld: not valid JSON (",
        write(tmp_path / "none.jsonld", '{"@type": "NewsArticle"}'): (
            "error: no ClaimReview found in none.jsonld"
        ),
        write(tmp_path / "empty.csv", ""): (
            "error: empty.csv: the header must name a 'text' column"
        ),
        tmp_path / "missing.csv": f"error: no such file: {tmp_path / 'missing.csv'}",
    }
    for path, expected in cases.items():
        [line] = error_lines(bot("import", str(path)))
        assert line.startswith(expected), line
    assert bot.claims() == []


# -- exports that import into a fresh database with nothing lost -----------------------------


def full_claims() -> list[ClaimFields]:
    """Claims with every field set, several sources each with every field set."""
    cited = [
        ("https://news.example/first", "First News", "The first report", SourceRole.ORIGINAL),
        ("https://copy.example/again", "Copy Daily", "Reported again", SourceRole.REPUBLICATION),
        ("https://gov.example/doc.pdf", "The Ministry", "Official figures", SourceRole.OFFICIAL),
        (None, "A paywalled paper", "Behind the wall", SourceRole.STATEMENT),  # no link recorded
        ("https://checks.example/elsewhere", "Other Checkers", "Checked", SourceRole.FACT_CHECK),
    ]
    sources = [
        Source(
            url=url,
            publisher=publisher,
            title=title,
            published=date(2025, 1, n + 2),
            quote=f"quote number {n}, “quoted”",
            role=role,
        )
        for n, (url, publisher, title, role) in enumerate(cited)
    ]
    return [
        ClaimFields(
            text=f"Claim {status.value}: the harbour handled {n} thousand ships",
            status=status,
            explanation=f"Why it is {status.value}, with “quotes” and a comma, too.",
            claimant=f"Claimant {n}",
            claim_date=date(2024, 12, n + 1),
            summary=f"Harbour ships, take {n}",
            sources=sources[n % 2 :] if n % 3 else sources,
            external_id=f"ext-{n}",
            guild_id=None if n % 2 else 777,
        )
        for n, status in enumerate(Status)
    ]


CONTENT = ("text", "status", "explanation", "claimant", "claim_date", "summary", "sources")


def content(claim: ClaimFields) -> dict[str, Any]:
    return claim.model_dump(include=set(CONTENT))


def test_jsonl_export_imports_into_a_fresh_database_unchanged(tmp_path: Path) -> None:
    old, new = Claimbot(tmp_path, "old"), Claimbot(tmp_path, "new")
    originals = old.add(*full_claims())
    retired = old.add(ClaimFields(text="A claim that was withdrawn later", external_id="gone"))
    with SqliteStore(old.db) as store:
        store.retire_claim(retired[0].id, "cli:tester", Scope.everything())
    target = tmp_path / "all.jsonl"
    assert old("export", "--retired", "-o", str(target)).out == f"exported 7 claim(s) to {target}\n"
    run = new("import", str(target))
    assert (run.code, run.out, run.err) == (0, "imported 6 claim(s); skipped 1 retired\n", "")
    copies = {c.external_id: c for c in new.claims()}
    assert set(copies) == {claim.id for claim in originals}
    for original in originals:
        copy = copies[original.id]
        assert content(copy) == content(original)
        assert copy.guild_id == original.guild_id  # a server's claims stay that server's
    assert new("import", str(target)).out == (
        "imported 0 claim(s); skipped 6 already imported; skipped 1 retired\n"
    )


def test_claimreview_export_imports_into_a_fresh_database_with_every_field(
    tmp_path: Path,
) -> None:
    old = Claimbot(tmp_path, "old", publisher_url="https://checks.example/")
    new = Claimbot(tmp_path, "new")
    originals = old.add(*full_claims())
    target = tmp_path / "reviews.jsonld"
    assert old("export", "--format", "claimreview", "-o", str(target)).code == 0
    reviews = json.loads(target.read_text(encoding="utf-8"))
    assert len(reviews) == len(originals)
    for review in reviews:
        assert review["author"] == {
            "@type": "Organization",
            "name": "Example Checks",
            "url": "https://checks.example",
        }
        assert review["url"] == f"https://checks.example/claims/{review['identifier']}"
    run = new("--guild", "42", "import", str(target))
    assert (run.code, run.out, run.err) == (0, f"imported {len(originals)} claim(s)\n", "")
    copies = {c.external_id: c for c in new.claims()}
    assert set(copies) == {claim.id for claim in originals}
    for original in originals:
        copy = copies[original.id]
        review_source, *cited = copy.sources
        assert content(copy) == {**content(original), "sources": content(copy)["sources"]}
        assert cited == original.sources
        assert review_source == Source(
            url=f"https://checks.example/claims/{original.id}",
            publisher="Example Checks",
            published=original.updated_at.date(),
            quote=original.explanation,
            role=SourceRole.FACT_CHECK,
        )
        assert copy.guild_id == 42
    again = new("--guild", "42", "import", str(target))
    assert again.out == f"imported 0 claim(s); skipped {len(originals)} already imported\n"


def test_claimreview_export_without_a_publisher_url_imports_its_sources_exactly(
    tmp_path: Path,
) -> None:
    old, new = Claimbot(tmp_path, "old"), Claimbot(tmp_path, "new")
    originals = old.add(*full_claims())
    target = tmp_path / "reviews.json"
    assert old("export", "--format", "claimreview", "-o", str(target)).code == 0
    reviews = {r["identifier"]: r for r in json.loads(target.read_text(encoding="utf-8"))}
    for original in originals:  # the review is read at the claim's fact-check source
        assert reviews[original.id]["url"] == "https://checks.example/elsewhere"
        assert reviews[original.id]["author"] == {"@type": "Organization", "name": "Example Checks"}
    target.write_text("\ufeff" + target.read_text(encoding="utf-8"), encoding="utf-8")
    assert new("import", str(target)).out == f"imported {len(originals)} claim(s)\n"
    copies = {c.external_id: c for c in new.claims()}
    for original in originals:
        assert content(copies[original.id]) == content(original)


def test_the_publisher_setting_is_checked(tmp_path: Path) -> None:
    bot = Claimbot(tmp_path, "claims", publisher_url="checks.example")
    [line] = error_lines(bot("export", "--format", "claimreview"))
    assert line == (
        "error: invalid setting publisher.url: must be an http(s) URL such as https://example.org"
    )
