"""Countries (and unions) a role title can belong to, and the words that show a passage is about one of them.

"The prime minister" in a story about Israel is Israel's; in a story about a British minister's trip to
Washington it is still Britain's, because the United States has no prime minister. Each jurisdiction lists
how texts name it (names, adjectives, capital, institutions, parties) and which widely shared offices it has;
the mention detector counts these cues around a role title. A seeds folder may add or replace rows with
an optional jurisdictions.csv of the same columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Shared titles, folded to the office they name: only these can belong to more than one country.
OFFICE_OF_TITLE = {
    "prime minister": "prime minister",
    "pm": "prime minister",
    "premier": "prime minister",
    "president": "president",
    "vice-president": "vice-president",
    "vice president": "vice-president",
    "vp": "vice-president",
    "chancellor": "chancellor",
    "leader of the opposition": "opposition leader",
    "opposition leader": "opposition leader",
}
OFFICES = frozenset(OFFICE_OF_TITLE.values())
# Heads of government come with an opposition leader; listing it for every country would only add noise.
IMPLIED_OFFICES = {"prime minister": "opposition leader"}


@dataclass(frozen=True)
class Jurisdiction:
    """A country or union: how texts name it, and which shared offices it has."""

    jurisdiction_id: str
    name: str
    names: tuple[str, ...]  # "Israel", "the State of Israel": also used in "Israel's prime minister"
    adjectives: tuple[str, ...]  # "Israeli"
    places: tuple[str, ...]  # capital, seat of government, institutions, parties
    offices: frozenset[str]  # from OFFICES

    @property
    def cues(self) -> tuple[str, ...]:
        """Every word or phrase that shows a passage is about this jurisdiction."""
        return self.names + self.adjectives + self.places

    def has_office(self, office: str) -> bool:
        """Whether this jurisdiction has the office (an opposition leader comes with a prime minister)."""
        return office in self.offices or any(
            office == implied and head in self.offices for head, implied in IMPLIED_OFFICES.items()
        )


def named_in(text: str, jurisdictions: tuple[Jurisdiction, ...]) -> str:
    """The id of the jurisdiction a text such as a role's name names ("President of the United States" -> "us"),
    by its longest name or adjective found as whole words; "" when it names none."""
    found = [
        (len(word), jurisdiction.jurisdiction_id)
        for jurisdiction in jurisdictions
        for word in jurisdiction.names + jurisdiction.adjectives
        if re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", text)
    ]
    return max(found)[1] if found else ""


def office_of(title: str) -> str | None:
    """The shared office a title names ("PM" -> "prime minister"), or None for titles only one country uses."""
    return OFFICE_OF_TITLE.get(" ".join(title.lower().replace("the ", " ").split()))


# id | name | names | adjectives | places, institutions, parties | offices   (lists separated by ";"; an indented
# line continues the row above)
# Written for presswatch from public facts. Cues are matched with their capitals, so "US" is never "us".
BUILT_IN = """
uk | United Kingdom | UK;U.K.;Britain;Great Britain;United Kingdom;the United Kingdom | British;Briton;
    Britons | London;Westminster;Whitehall;Downing Street;No 10;No. 10;Number 10;House of Commons;House of Lords;
    Labour;Tory;Tories;Lib Dem;Lib Dems;Liberal Democrat;Liberal Democrats;Reform UK;Scotland;Scottish;Wales;
    Welsh;England;English;Northern Ireland;Holyrood;Stormont;Home Office;Foreign Office;NHS | prime minister;
    chancellor
us | United States | US;U.S.;USA;U.S.A.;America;United States;the United States;
    United States of America | American;Americans | Washington;White House;Oval Office;Congress;Capitol Hill;
    Pentagon;State Department;Republican;Republicans;Democrat;GOP | president;vice-president
ie | Ireland | Ireland;Republic of Ireland;Irish Republic | Irish | Dublin;Dáil;Dail;Taoiseach;Fianna Fáil;
    Fianna Fail;Fine Gael | prime minister;president
fr | France | France | French | Paris;Élysée;Elysee;Matignon | president;prime minister
de | Germany | Germany | German;Germans | Berlin;Bundestag;Bonn | chancellor;president
it | Italy | Italy | Italian;Italians | Rome;Palazzo Chigi | prime minister;president
es | Spain | Spain | Spanish | Madrid;Moncloa | prime minister
pt | Portugal | Portugal | Portuguese | Lisbon | prime minister;president
nl | Netherlands | Netherlands;the Netherlands;Holland | Dutch | Amsterdam;The Hague | prime minister
be | Belgium | Belgium | Belgian | | prime minister
lu | Luxembourg | Luxembourg | Luxembourgish | | prime minister
at | Austria | Austria | Austrian | Vienna | chancellor;president
ch | Switzerland | Switzerland | Swiss | Bern;Berne | president
se | Sweden | Sweden | Swedish | Stockholm | prime minister
no | Norway | Norway | Norwegian | Oslo;Storting | prime minister
dk | Denmark | Denmark | Danish | Copenhagen | prime minister
fi | Finland | Finland | Finnish | Helsinki | prime minister;president
is | Iceland | Iceland | Icelandic | Reykjavik | prime minister;president
pl | Poland | Poland | Polish | Warsaw | prime minister;president
cz | Czech Republic | Czech Republic;Czechia | Czech | Prague | prime minister;president
sk | Slovakia | Slovakia | Slovak | Bratislava | prime minister;president
hu | Hungary | Hungary | Hungarian | Budapest | prime minister;president
ro | Romania | Romania | Romanian | Bucharest | prime minister;president
bg | Bulgaria | Bulgaria | Bulgarian | | prime minister;president
gr | Greece | Greece | Greek | Athens | prime minister;president
cy | Cyprus | Cyprus | Cypriot | Nicosia | president
mt | Malta | Malta | Maltese | Valletta | prime minister;president
hr | Croatia | Croatia | Croatian | Zagreb | prime minister;president
rs | Serbia | Serbia | Serbian | Belgrade | prime minister;president
ee | Estonia | Estonia | Estonian | Tallinn | prime minister;president
lv | Latvia | Latvia | Latvian | Riga | prime minister;president
lt | Lithuania | Lithuania | Lithuanian | Vilnius | prime minister;president
ua | Ukraine | Ukraine | Ukrainian;Ukrainians | Kyiv;Kiev | president;prime minister
by | Belarus | Belarus | Belarusian | Minsk | president;prime minister
ru | Russia | Russia;Russian Federation | Russian;Russians | Moscow;Kremlin;Duma | president;prime minister
ge | Georgia | | | Tbilisi | president;prime minister
am | Armenia | Armenia | Armenian | Yerevan | prime minister;president
az | Azerbaijan | Azerbaijan | Azerbaijani | Baku | president
tr | Turkey | Turkey;Türkiye | Turkish | Ankara;Istanbul | president;prime minister
il | Israel | Israel | Israeli;Israelis | Jerusalem;Tel Aviv;Knesset;Likud | prime minister;president
ps | Palestine | Palestine;Palestinian territories | Palestinian;Palestinians | Ramallah;Gaza;West Bank;Hamas;
    Fatah | president;prime minister
lb | Lebanon | Lebanon | Lebanese | Beirut;Hezbollah | prime minister;president
sy | Syria | Syria | Syrian;Syrians | Damascus | president;prime minister
jo | Jordan | | Jordanian | Amman | prime minister
iq | Iraq | Iraq | Iraqi;Iraqis | Baghdad | prime minister;president
ir | Iran | Iran | Iranian;Iranians | Tehran | president
sa | Saudi Arabia | Saudi Arabia | Saudi | Riyadh | prime minister
ae | United Arab Emirates | United Arab Emirates;UAE | Emirati | Abu Dhabi;Dubai | president;prime minister
qa | Qatar | Qatar | Qatari | Doha | prime minister
eg | Egypt | Egypt | Egyptian | Cairo | president;prime minister
ly | Libya | Libya | Libyan | Tripoli | prime minister
tn | Tunisia | Tunisia | Tunisian | Tunis | president;prime minister
dz | Algeria | Algeria | Algerian | Algiers | president;prime minister
ma | Morocco | Morocco | Moroccan | Rabat | prime minister
af | Afghanistan | Afghanistan | Afghan;Afghans | Kabul;Taliban | president
pk | Pakistan | Pakistan | Pakistani | Islamabad | prime minister;president
in | India | India | Indian | New Delhi;Delhi | prime minister;president
bd | Bangladesh | Bangladesh | Bangladeshi | Dhaka | prime minister;president
lk | Sri Lanka | Sri Lanka | Sri Lankan | Colombo | president;prime minister
np | Nepal | Nepal | Nepali;Nepalese | Kathmandu | prime minister;president
cn | China | China | Chinese | Beijing | president;prime minister
tw | Taiwan | Taiwan | Taiwanese | Taipei | president;prime minister
jp | Japan | Japan | Japanese | Tokyo | prime minister
kr | South Korea | South Korea | South Korean | Seoul | president;prime minister
kp | North Korea | North Korea | North Korean | Pyongyang | prime minister
th | Thailand | Thailand | Thai | Bangkok | prime minister
vn | Vietnam | Vietnam | Vietnamese | Hanoi | president;prime minister
my | Malaysia | Malaysia | Malaysian | Kuala Lumpur | prime minister
sg | Singapore | Singapore | Singaporean | | prime minister;president
id | Indonesia | Indonesia | Indonesian | Jakarta | president
ph | Philippines | Philippines;the Philippines | Filipino;Philippine | Manila | president
au | Australia | Australia | Australian;Australians | Canberra;Sydney;Melbourne | prime minister
nz | New Zealand | New Zealand | Kiwi | Wellington;Auckland;Labour | prime minister
ca | Canada | Canada | Canadian;Canadians | Ottawa;Toronto;Ontario;Quebec;Alberta;British Columbia | prime minister
mx | Mexico | Mexico | Mexican | Mexico City | president
br | Brazil | Brazil | Brazilian | Brasília;Brasilia | president
ar | Argentina | Argentina | Argentine;Argentinian | Buenos Aires | president
cl | Chile | Chile | Chilean | Santiago | president
co | Colombia | Colombia | Colombian | Bogotá;Bogota | president
pe | Peru | Peru | Peruvian | Lima | president;prime minister
ve | Venezuela | Venezuela | Venezuelan | Caracas | president
cu | Cuba | Cuba | Cuban | Havana | president;prime minister
za | South Africa | South Africa | South African | Pretoria;Johannesburg;Cape Town | president
ng | Nigeria | Nigeria | Nigerian | Abuja;Lagos | president
ke | Kenya | Kenya | Kenyan | Nairobi | president
et | Ethiopia | Ethiopia | Ethiopian | Addis Ababa | prime minister;president
zw | Zimbabwe | Zimbabwe | Zimbabwean | Harare | president;prime minister
ug | Uganda | Uganda | Ugandan | Kampala | president;prime minister
gh | Ghana | Ghana | Ghanaian | Accra | president
eu | European Union | European Union;EU | | Brussels;European Commission;European Council;
    European Parliament | president
"""


def parse_rows(rows: list[tuple[str, str, str, str, str, str]]) -> tuple[Jurisdiction, ...]:
    """Jurisdictions from (id, name, names, adjectives, places, offices) cells, lists separated by ";"."""

    def split(cell: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in cell.split(";") if part.strip())

    return tuple(
        Jurisdiction(
            jurisdiction_id=jurisdiction_id.strip(),
            name=name.strip(),
            names=split(names),
            adjectives=split(adjectives),
            places=split(places),
            offices=frozenset(split(offices.lower())),
        )
        for jurisdiction_id, name, names, adjectives, places, offices in rows
    )


def built_in() -> tuple[Jurisdiction, ...]:
    """The jurisdictions presswatch knows without a jurisdictions.csv."""
    lines: list[str] = []
    for line in BUILT_IN.strip("\n").splitlines():
        if line.startswith(" ") and lines:
            lines[-1] += line.strip()
        else:
            lines.append(line)
    rows = []
    for line in lines:
        cells = [cell.strip() for cell in line.split("|")]
        rows.append((cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]))
    return parse_rows(rows)


BUILT_IN_JURISDICTIONS = built_in()
