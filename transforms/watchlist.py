"""The watchlist: who and what we track, parsed from seed CSVs a team edits without code.

Seeds hold only what a person types once (name, honorifics that apply, aliases, role titles and dates);
every searchable form (honorific variants, "Sir Keir", misspellings' honorific forms, a role title before
a holder's surname) is generated here, so the detector and the docs agree on one list. Possessives need no
variants: the detector treats an apostrophe as a word boundary. Only people.csv is required; roles, role
holders, topics and jurisdictions default to none (jurisdictions to the built-in list) when absent.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from transforms.jurisdictions import BUILT_IN_JURISDICTIONS, Jurisdiction, named_in, parse_rows

WATCHLIST_FILES: tuple[str, ...] = ("people.csv", "roles.csv", "role_holders.csv", "topics.csv")  # as shipped
OPTIONAL_FILES: tuple[str, ...] = ("roles.csv", "role_holders.csv", "topics.csv", "jurisdictions.csv")
SEED_FILES: tuple[str, ...] = ("people.csv", *OPTIONAL_FILES)  # everything read from a seeds folder

# Honorifics placed before a surname ("Mr Musk") and those placed before a first name ("Sir Keir").
SURNAME_HONORIFICS = frozenset(
    {
        "Mr",
        "Mrs",
        "Ms",
        "Miss",
        "Mx",
        "Dr",
        "Lord",
        "Lady",
        "Baroness",
        "Professor",
        "Prof",
        "President",
        "Rev",
    }
)
FIRST_NAME_HONORIFICS = frozenset({"Sir", "Dame"})
HONORIFICS = SURNAME_HONORIFICS | FIRST_NAME_HONORIFICS
DOTTED_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Prof", "Rev"})

PEOPLE_COLUMNS = (
    "person_id", "name", "first_name", "surname", "honorifics", "aliases", "misspellings", "descriptors",
    "negative_terms", "wikidata_id",
)  # fmt: skip
PEOPLE_REQUIRED = ("person_id", "name")
ROLE_COLUMNS = ("role_id", "name", "forms", "titles", "jurisdiction", "wikidata_id")
ROLE_HOLDER_COLUMNS = ("role_id", "person_id", "valid_from", "valid_to", "source")
JURISDICTION_COLUMNS = ("jurisdiction_id", "name", "names", "adjectives", "places", "offices")
ELECT_WINDOW = timedelta(days=120)  # "-elect" means elected and due to take office within this time
SMALL_WORDS = frozenset({"of", "the", "and", "for", "to", "in"})  # kept lower case in a capitalised title
TOPIC_COLUMNS = ("topic_id", "name", "terms", "co_terms")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_WIKIDATA = re.compile(r"Q[1-9][0-9]*")
_FOCUS = re.compile(r"\[([^\[\]]+)\]")


class SeedError(ValueError):
    """A seed file problem, located by file and 1-based data row so a non-programmer can fix it."""

    def __init__(self, file: str, row: int | None, problem: str) -> None:
        self.file = file
        self.row = row
        self.problem = problem
        where = file if row is None else f"{file} row {row}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class NameForm:
    """One searchable spelling of a person or role; its capitals say how strictly case is checked."""

    text: str
    kind: str  # "full", "honorific", "surname", "alias", "role", "title" or "descriptor"
    owner_id: str  # person_id, or role_id for kinds "role" and "title"
    first_name_only: bool = False  # "Sir Keir": must not run on into another surname ("Sir Keir Hardie")
    role_id: str = ""  # a title used as an honorific ("President Obama"): the role it names
    qualifier: str = ""  # "elect" for "President-elect Obama"
    bare: bool = False  # a title that also counts without "the" in headlines and captions ("PM must act")


@dataclass(frozen=True)
class RoleHolder:
    """A person holding a role from valid_from up to, but not including, valid_to (None: still holds it)."""

    person_id: str
    valid_from: date
    valid_to: date | None

    def holds_on(self, day: date) -> bool:
        """Whether the person held the role on that day; a handover day belongs to the new holder."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class Role:
    """A title such as "the Prime Minister" that refers to whoever held it on the publication date.

    forms are exact spellings, as typed; titles are the bare title ("Prime Minister", "PM") from which the
    detector reads "the ...", "the former ...", "the US ...", "...-elect" and headline uses itself.
    """

    role_id: str
    name: str
    forms: tuple[str, ...]
    holders: tuple[RoleHolder, ...]
    titles: tuple[str, ...] = ()
    jurisdiction: str = ""  # empty: resolved by date alone, whatever the passage is about
    wikidata_id: str | None = None

    def holder_on(self, day: date) -> str | None:
        """The person_id holding the role on day, or None when nobody tracked held it."""
        for holder in self.holders:
            if holder.holds_on(day):
                return holder.person_id
        return None

    def former_holders(self, day: date) -> tuple[str, ...]:
        """People who held the role before day and do not hold it on day, most recent first."""
        current = self.holder_on(day)
        ended = sorted(
            (holder for holder in self.holders if holder.valid_to is not None and holder.valid_to <= day),
            key=lambda holder: holder.valid_from,
            reverse=True,
        )
        return tuple(dict.fromkeys(holder.person_id for holder in ended if holder.person_id != current))

    def holders_until(self, day: date) -> tuple[str, ...]:
        """People who held the role at some time up to day ("the then prime minister"), most recent first."""
        started = sorted(
            (holder for holder in self.holders if holder.valid_from <= day),
            key=lambda holder: holder.valid_from,
            reverse=True,
        )
        return tuple(dict.fromkeys(holder.person_id for holder in started))

    def elect_on(self, day: date) -> str | None:
        """The person elected and due to take the role within ELECT_WINDOW after day ("President-elect")."""
        current = self.holder_on(day)
        upcoming = [
            holder
            for holder in self.holders
            if day < holder.valid_from <= day + ELECT_WINDOW and holder.person_id != current
        ]
        return min(upcoming, key=lambda holder: holder.valid_from).person_id if upcoming else None

    def title_spellings(self) -> tuple[tuple[str, bool], ...]:
        """(spelling, counts bare) for each title as typed, capitalised and in lower case.

        Only titles typed with a capital count without "the" in headlines: writers capitalise a title they
        use bare ("PM must act"), while a lower-case title such as "premier" is an ordinary word without it.
        """
        spellings: dict[str, bool] = {}
        for title in self.titles:
            typed_capital = title[:1].isupper()
            variants = [title]
            if not (len(title) > 1 and title.isupper()):
                variants += [capitalise(title), title.lower()]
            for variant in variants:
                spellings.setdefault(variant, typed_capital and variant[:1].isupper())
        return tuple(spellings.items())


@dataclass(frozen=True)
class Person:
    """A tracked person and every name form the detector searches for."""

    person_id: str
    name: str
    first_name: str
    surname: str
    honorifics: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()
    negative_terms: tuple[str, ...] = ()
    wikidata_id: str | None = None

    def forms(self) -> tuple[NameForm, ...]:
        """Every generated form of this person's name (roles excluded: they depend on dates)."""
        found: dict[tuple[str, str], NameForm] = {}

        def add(text: str, kind: str, first_name_only: bool = False) -> None:
            found.setdefault((text, kind), NameForm(text, kind, self.person_id, first_name_only))

        add(self.name, "full")
        for misspelt in self.misspellings:
            add(misspelt, "full")
        for honorific in self.honorifics:
            for first, surname, full in self._name_variants():
                if honorific in FIRST_NAME_HONORIFICS:
                    add(f"{honorific} {first}", "honorific", first_name_only=True)
                else:
                    add(f"{honorific} {surname}", "honorific")
                    if honorific in DOTTED_HONORIFICS:
                        add(f"{honorific}. {surname}", "honorific")  # American style: "Mr. Musk"
                add(f"{honorific} {full}", "honorific")
        if self.surname and self.surname != self.name:
            add(self.surname, "surname")
        for alias in self.aliases:
            add(alias, "alias")
            if " " in alias:
                for honorific in sorted(SURNAME_HONORIFICS.intersection(self.honorifics)):
                    add(f"{honorific} {alias.rsplit(' ', 1)[1]}", "honorific")
        for descriptor in self.descriptors:
            add(descriptor, "descriptor")
        return tuple(found.values())

    def _name_variants(self) -> list[tuple[str, str, str]]:
        """(first name, surname, full name) for the real name and each misspelling, for honorific forms."""
        variants = [(self.first_name, self.surname, self.name)]
        for misspelt in self.misspellings:
            first, _, surname = misspelt.rpartition(" ")
            variants.append((first.split(" ")[0] if first else self.first_name, surname, misspelt))
        return variants


@dataclass(frozen=True)
class Topic:
    """A tracked theme: terms (plurals generated), optionally only when a co-term shares the sentence."""

    topic_id: str
    name: str
    terms: tuple[str, ...]
    co_terms: tuple[str, ...] = ()

    def term_forms(self) -> tuple[str, ...]:
        """Each term plus its generated plural; a term written with a leading "=" is kept exactly."""
        forms: list[str] = []
        for term in self.terms:
            if term.startswith("="):
                forms.append(term[1:])
                continue
            forms.append(term)
            plural = pluralise(term)
            if plural != term:
                forms.append(plural)
        return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class Watchlist:
    """Everything the detectors need, validated."""

    people: tuple[Person, ...]
    topics: tuple[Topic, ...]
    roles: tuple[Role, ...] = ()
    jurisdictions: tuple[Jurisdiction, ...] = BUILT_IN_JURISDICTIONS

    def name_forms(self) -> tuple[NameForm, ...]:
        """Every person form, every role form and title, and each title followed by a holder's surname."""
        forms = [form for person in self.people for form in person.forms()]
        forms += [NameForm(text, "role", role.role_id) for role in self.roles for text in role.forms]
        people = {person.person_id: person for person in self.people}
        for role in self.roles:
            spellings = role.title_spellings()
            forms += [NameForm(text, "title", role.role_id, bare=bare) for text, bare in spellings]
            for person_id in dict.fromkeys(holder.person_id for holder in role.holders):
                surname = people[person_id].surname
                if not surname:
                    continue
                for text, _ in spellings:
                    if not text[:1].isupper():
                        continue
                    forms.append(NameForm(f"{text} {surname}", "honorific", person_id, role_id=role.role_id))
                    for elect in (f"{text}-elect", f"{text}-Elect", f"{text} elect"):
                        forms.append(
                            NameForm(
                                f"{elect} {surname}", "honorific", person_id, role_id=role.role_id, qualifier="elect"
                            )
                        )
        return tuple(forms)


def capitalise(title: str) -> str:
    """Title Case for a role title, keeping small words and acronyms: "leader of the opposition" -> "Leader of
    the Opposition"."""
    words = title.split(" ")
    return " ".join(
        word
        if word.isupper() or (index and word.lower() in SMALL_WORDS)
        else "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
        for index, word in enumerate(words)
    )


def pluralise(term: str) -> str:
    """English plural of a term's last word when it is a lower-case word ("inquiry" -> "inquiries")."""
    head, _, last = term.rpartition(" ")
    if not (last.isalpha() and last.islower() and len(last) > 2) or last.endswith("s"):
        return term
    if last.endswith("y") and last[-2] not in "aeiou":
        plural = last[:-1] + "ies"
    elif last.endswith(("x", "z", "ch", "sh")):
        plural = last + "es"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


def parse_watchlist(files: Mapping[str, str], *, directory: str = "seeds") -> Watchlist:
    """Parse and validate the seed CSV texts (file name -> text), raising SeedError at the first problem.

    Only people.csv is required: a missing roles, role holders or topics file means none, and a missing
    jurisdictions.csv means the built-in list.
    """
    people = _parse_people(_rows(files, "people.csv", PEOPLE_COLUMNS, PEOPLE_REQUIRED, directory), directory)
    person_ids = {person.person_id for person in people}
    jurisdictions = _parse_jurisdictions(
        _rows(files, "jurisdictions.csv", JURISDICTION_COLUMNS, ("jurisdiction_id", "name"), directory)
    )
    roles = _parse_roles(
        _rows(files, "roles.csv", ROLE_COLUMNS, ("role_id", "name"), directory),
        _rows(files, "role_holders.csv", ROLE_HOLDER_COLUMNS, ("role_id", "person_id", "valid_from"), directory),
        person_ids,
        jurisdictions,
        directory,
    )
    topics = _parse_topics(
        _rows(files, "topics.csv", TOPIC_COLUMNS, ("topic_id", "name", "terms"), directory), directory
    )
    return Watchlist(people=people, topics=topics, roles=roles, jurisdictions=jurisdictions)


def _rows(
    files: Mapping[str, str], name: str, columns: tuple[str, ...], required: tuple[str, ...], directory: str
) -> list[tuple[int, dict[str, str]]]:
    """(1-based data row, stripped cells) for a seed file, after checking its header; none for a missing
    optional file."""
    path = f"{directory}/{name}"
    if name not in files:
        if name in OPTIONAL_FILES:
            return []
        raise SeedError(path, None, "file is missing")
    reader = csv.reader(io.StringIO(files[name].lstrip("\ufeff")))
    header = [cell.strip() for cell in next(reader, [])]
    unknown = [column for column in header if column not in columns]
    if unknown:
        raise SeedError(path, None, f"unknown column {unknown[0]!r} (expected some of {', '.join(columns)})")
    missing = [column for column in required if column not in header]
    if missing:
        raise SeedError(path, None, f"missing column {missing[0]!r}")
    if len(set(header)) != len(header):
        raise SeedError(path, None, "a column appears twice")
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise SeedError(path, number, f"{len(cells)} cells but the header has {len(header)} columns")
        row = {column: "" for column in columns}
        row.update({column: cell.strip() for column, cell in zip(header, cells, strict=False)})
        for column in required:
            if not row[column]:
                raise SeedError(path, number, f"{column} is empty")
        rows.append((number, row))
    return rows


def _forms(cell: str, column: str, path: str, row: int) -> tuple[str, ...]:
    """Split a ";"-separated cell, rejecting empty or letterless entries such as "a;;b"."""
    if not cell:
        return ()
    forms = tuple(" ".join(part.split()) for part in cell.split(";"))
    for form in forms:
        if not any(char.isalnum() for char in form):
            raise SeedError(path, row, f"empty form in {column}")
    return forms


def _checked_id(value: str, column: str, seen: set[str], path: str, row: int) -> str:
    """An id that is lower-case words joined by hyphens and not already used in this file."""
    if not _ID.fullmatch(value):
        raise SeedError(path, row, f"{column} {value!r} must be lower-case words joined by hyphens")
    if value in seen:
        raise SeedError(path, row, f"duplicate {column} {value!r}")
    seen.add(value)
    return value


def _parse_people(rows: list[tuple[int, dict[str, str]]], directory: str) -> tuple[Person, ...]:
    path = f"{directory}/people.csv"
    seen: set[str] = set()
    people: list[Person] = []
    for number, row in rows:
        person_id = _checked_id(row["person_id"], "person_id", seen, path, number)
        name = " ".join(row["name"].split())
        words = name.split(" ")
        honorifics = _forms(row["honorifics"], "honorifics", path, number)
        for honorific in honorifics:
            if honorific not in HONORIFICS:
                known = ", ".join(sorted(HONORIFICS))
                raise SeedError(path, number, f"unknown honorific {honorific!r} (known: {known})")
        wikidata = row["wikidata_id"] or None
        if wikidata is not None and not _WIKIDATA.fullmatch(wikidata):
            raise SeedError(path, number, f"wikidata_id {wikidata!r} must look like Q12345")
        people.append(
            Person(
                person_id=person_id,
                name=name,
                first_name=row["first_name"] or words[0],
                surname=row["surname"] or (words[-1] if len(words) > 1 else ""),
                honorifics=honorifics,
                aliases=_forms(row["aliases"], "aliases", path, number),
                misspellings=_forms(row["misspellings"], "misspellings", path, number),
                descriptors=_forms(row["descriptors"], "descriptors", path, number),
                negative_terms=_forms(row["negative_terms"], "negative_terms", path, number),
                wikidata_id=wikidata,
            )
        )
    return tuple(people)


def _parse_date(value: str, column: str, path: str, row: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SeedError(path, row, f"{column} {value!r} is not a date like 2024-07-05") from None


def _parse_jurisdictions(rows: list[tuple[int, dict[str, str]]]) -> tuple[Jurisdiction, ...]:
    """The built-in jurisdictions, with rows of jurisdictions.csv added or replacing those of the same id."""
    extra = parse_rows(
        [tuple(row[column] for column in JURISDICTION_COLUMNS) for _, row in rows]  # type: ignore[misc]
    )
    replaced = {jurisdiction.jurisdiction_id for jurisdiction in extra}
    kept = tuple(item for item in BUILT_IN_JURISDICTIONS if item.jurisdiction_id not in replaced)
    return kept + extra


def _parse_roles(
    role_rows: list[tuple[int, dict[str, str]]],
    holder_rows: list[tuple[int, dict[str, str]]],
    person_ids: set[str],
    jurisdictions: tuple[Jurisdiction, ...],
    directory: str,
) -> tuple[Role, ...]:
    roles_path, holders_path = f"{directory}/roles.csv", f"{directory}/role_holders.csv"
    seen: set[str] = set()
    definitions: dict[str, Role] = {}
    for number, row in role_rows:
        role_id = _checked_id(row["role_id"], "role_id", seen, roles_path, number)
        forms = _forms(row["forms"], "forms", roles_path, number)
        titles = _forms(row["titles"], "titles", roles_path, number)
        if not forms and not titles:
            raise SeedError(roles_path, number, "forms or titles must be filled")
        jurisdiction = row["jurisdiction"].lower()
        if not jurisdiction and titles:  # "President of the United States" says whose office it is
            jurisdiction = named_in(row["name"], jurisdictions)
        if jurisdiction and jurisdiction not in {item.jurisdiction_id for item in jurisdictions}:
            raise SeedError(roles_path, number, f"unknown jurisdiction {jurisdiction!r} (add it to jurisdictions.csv)")
        wikidata = row["wikidata_id"] or None
        if wikidata is not None and not _WIKIDATA.fullmatch(wikidata):
            raise SeedError(roles_path, number, f"wikidata_id {wikidata!r} must look like Q12345")
        definitions[role_id] = Role(role_id, row["name"], forms, (), titles, jurisdiction, wikidata)
    holders: dict[str, list[RoleHolder]] = {role_id: [] for role_id in definitions}
    periods: dict[str, list[tuple[date, date]]] = {}  # each role's periods so far, by start: they never overlap
    for number, row in holder_rows:
        role_id, person_id = row["role_id"], row["person_id"]
        if role_id not in definitions:
            raise SeedError(holders_path, number, f"role_id {role_id!r} is not in roles.csv")
        if person_id not in person_ids:
            raise SeedError(holders_path, number, f"person_id {person_id!r} is not in people.csv")
        valid_from = _parse_date(row["valid_from"], "valid_from", holders_path, number)
        valid_to = _parse_date(row["valid_to"], "valid_to", holders_path, number) if row["valid_to"] else None
        if valid_to is not None and valid_to <= valid_from:
            raise SeedError(holders_path, number, "valid_to must be after valid_from")
        holder = RoleHolder(person_id, valid_from, valid_to)
        if _overlaps_any(periods.setdefault(role_id, []), holder):  # then name the first it overlaps, in file order
            other = next(other for other in holders[role_id] if _overlaps(holder, other))
            raise SeedError(holders_path, number, f"{person_id} overlaps {other.person_id} as holder of {role_id}")
        bisect.insort(periods[role_id], (valid_from, valid_to or date.max))
        holders[role_id].append(holder)
    return tuple(replace(role, holders=tuple(holders[role_id])) for role_id, role in definitions.items())


def _overlaps_any(periods: list[tuple[date, date]], holder: RoleHolder) -> bool:
    """Whether `holder` shares a day with any of `periods` (disjoint, sorted by start): only the last one starting
    before the holder's end can, so a role's thousand holders are checked in a thousand steps, not half a million."""
    index = bisect.bisect_left(periods, (holder.valid_to or date.max,)) - 1
    return index >= 0 and periods[index][1] > holder.valid_from


def _overlaps(first: RoleHolder, second: RoleHolder) -> bool:
    """Whether two holding periods share a day (periods end the day before valid_to)."""
    first_end, second_end = first.valid_to or date.max, second.valid_to or date.max
    return first.valid_from < second_end and second.valid_from < first_end


def _parse_topics(rows: list[tuple[int, dict[str, str]]], directory: str) -> tuple[Topic, ...]:
    path = f"{directory}/topics.csv"
    seen: set[str] = set()
    topics: list[Topic] = []
    for number, row in rows:
        topic_id = _checked_id(row["topic_id"], "topic_id", seen, path, number)
        terms = _forms(row["terms"], "terms", path, number)
        for term in terms:
            if len(_FOCUS.findall(term)) > 1 or term.count("[") != term.count("]"):
                raise SeedError(path, number, f"term {term!r} may mark at most one [focus]")
        topics.append(Topic(topic_id, row["name"], terms, _forms(row["co_terms"], "co_terms", path, number)))
    return tuple(topics)


def entry_fingerprints(watchlist: Watchlist) -> dict[tuple[str, str], str]:
    """(kind, id) -> a digest of everything the detectors read for that person, role or topic: when it differs
    from the stored one (or there is none), the stored history was derived without the entry as it is now."""
    entries: list[tuple[str, str, object]] = [
        *(("person", person.person_id, person) for person in watchlist.people),
        *(("role", role.role_id, role) for role in watchlist.roles),
        *(("topic", topic.topic_id, topic) for topic in watchlist.topics),
    ]
    # Frozen dataclasses of strings, tuples and dates: their repr is stable from run to run.
    return {(kind, ident): hashlib.sha256(repr(entry).encode("utf-8")).hexdigest() for kind, ident, entry in entries}
