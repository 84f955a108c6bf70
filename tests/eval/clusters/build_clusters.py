"""Regenerate `articles.json`, the story-clustering eval set, from the extraction bodies plus follow-up stories.

Run from the repository root: `.venv/bin/python tests/eval/clusters/build_clusters.py`. Each near-duplicate group
holds an original and the copies other outlets would run: the wire copy with their own sign-off, a tweaked headline,
a paragraph added or cut, light rewording. Follow-up stories (same people and places, a different event, often
reusing one background paragraph verbatim) form their own groups and must stay apart from the originals.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "extraction"))

from articles import ARTICLES  # noqa: E402

SIGN_OFFS = [
    "This story was supplied by a news agency and has been edited for length.",
    "Additional reporting by our regional staff.",
    "Have you been affected by the issues in this story? Contact our newsroom.",
    "This article was amended on the day of publication to correct a spelling.",
]
ADDED_PARAGRAPHS = [
    "A spokesperson for the council said it would respond formally once it had considered the details.",
    "The issue is expected to be discussed again at the next full meeting, which is open to the public.",
    "Local campaigners said they would continue to press for a public meeting in the coming weeks.",
]
REWORDINGS = [(" said ", " told reporters "), (" about ", " around "), (" expected ", " likely ")]
HEADLINE_TWEAKS = [
    lambda t: t.replace(" as ", ": "),
    lambda t: t + " - latest",
    lambda t: "Explained: " + t,
    lambda t: t.replace(" to ", " will "),
    lambda t: t.split(" despite ")[0].split(" after ")[0],
]

FOLLOW_UPS: list[dict[str, Any]] = [
    {
        "base": "rail-strike-live",
        "slug": "rail-strike-called-off",
        "title": "Rail strike called off after signalling staff accept improved pay offer",
        "hours": 72,
        "paragraphs": [
            "Next week's rail strike has been called off after signalling staff voted to accept an improved pay "
            "offer, ending a dispute that has disrupted services across the western region since the autumn.",
            "Both sides have agreed to meet again on Thursday at the conciliation service. A spokesperson for the "
            "operator said it remained committed to reaching a settlement that was fair to staff and affordable.",
            "The union said 78 per cent of members who voted backed the deal, which includes a backdated rise and "
            "a commitment not to close ticket offices for two years.",
            "The operator said a full timetable would run from Monday and thanked passengers for their patience.",
        ],
    },
    {
        "base": "water-company-fine",
        "slug": "water-company-second-works",
        "title": "Same water company faces new prosecution over spills at second treatment works",
        "hours": 240,
        "paragraphs": [
            "The water company fined 9 million pounds last month is facing a second prosecution, this time over "
            "spills from a treatment works upstream of Marlow Green.",
            "The regulator said monitors had recorded untreated sewage entering a tributary on more than 40 days "
            "last year, and that the company had failed to report most of them.",
            "The company apologised and said it had since replaced the pumps and installed new monitors. It said "
            "the fine would be paid from profits rather than customers' bills.",
            "The case will be heard at the crown court in the spring. The company said it would cooperate fully.",
        ],
    },
    {
        "base": "bus-franchising",
        "slug": "first-franchised-routes",
        "title": "Mayor names the first routes to come under public control in Calderbrook",
        "hours": 500,
        "paragraphs": [
            "Mayor Daniel Rourke has named the first eighteen bus routes that will switch to franchised operation, "
            "covering the north of the Calderbrook region from next September.",
            "Under franchising, the authority will set routes, timetables and fares, and private operators will "
            "bid for contracts to run the services. The first routes are expected to switch in the autumn of next "
            "year.",
            "Tender documents published on Friday show operators will be paid a fixed fee per mile, with penalties "
            "for cancelled journeys and bonuses for punctuality.",
            "Passenger groups welcomed the detail but asked why routes in the south would wait another two years.",
        ],
    },
    {
        "base": "housing-plan",
        "slug": "hebble-end-march",
        "title": "Hundreds march through Hebble End against green belt housing plan",
        "hours": 130,
        "paragraphs": [
            "Several hundred people marched through Hebble End on Saturday in protest at plans to build 1,400 homes "
            "on fields around the village.",
            "Land on the green belt around Calderbrook could be released for up to 8,000 new homes under a draft "
            "local plan published by the council on Monday.",
            "Organisers said the march was the biggest in the village's history. Speakers included the parish "
            "council chair and a farmer whose land is among the sites proposed.",
            "The group has hired a planning consultant to prepare a formal objection before the consultation ends.",
        ],
    },
    {
        "base": "bin-strike",
        "slug": "bin-strike-ends",
        "title": "Bin strike ends as Dunmore refuse workers accept revised pay deal",
        "hours": 300,
        "paragraphs": [
            "The bin strike in Dunmore has ended after refuse collectors voted to accept a revised pay deal, and "
            "collections will resume on Monday.",
            "The dispute is over a restructuring that the union says would cut the pay of some drivers by up to "
            "3,000 pounds a year. The council says the changes are needed to make pay fair across all staff.",
            "Under the new deal, drivers will keep their current pay for three years while the new grades are "
            "phased in. The council said extra crews would clear the backlog within a fortnight.",
        ],
    },
    {
        "base": "flood-defences-funding",
        "slug": "harrowby-floods-again",
        "title": "Harrowby flooded again as the River Lyne bursts its banks overnight",
        "hours": 400,
        "paragraphs": [
            "Homes on Wharf Lane in Harrowby were flooded overnight after the River Lyne burst its banks following "
            "two days of heavy rain, the fourth flood in six winters.",
            "The embankment along the River Lyne was originally due to be finished in 2026. Officials now expect "
            "construction to start in 2027, with completion pushed back to the end of the decade.",
            "Firefighters helped about thirty residents leave their homes, and a rest centre was opened at the "
            "community hall. No injuries were reported.",
            "The Environment Agency said temporary barriers would be brought in this week while the water receded.",
        ],
    },
    {
        "base": "university-funding",
        "slug": "lecturers-vote-strike",
        "title": "Lecturers vote for strike action over university's plan to cut 300 jobs",
        "hours": 600,
        "paragraphs": [
            "Lecturers at the university have voted for strike action over plans to cut up to 300 jobs, with walkouts "
            "expected to begin after the Easter break.",
            "The union said 71 per cent of members who took part backed strikes, on a turnout of 58 per cent, above "
            "the threshold required by law.",
            "A university spokesperson said it was disappointed by the result and that the number of compulsory "
            "redundancies had already been reduced after the voluntary scheme.",
            "Students' union officers said they supported staff but were worried about the effect on final-year "
            "assessments.",
        ],
    },
    {
        "base": "police-inspection",
        "slug": "police-call-handling-improves",
        "title": "Police force answers more 999 calls on time as inspectors return",
        "hours": 900,
        "paragraphs": [
            "The county police force is now answering nine in ten emergency calls within ten seconds, according to "
            "figures presented to inspectors who returned to check on its progress.",
            "Chief Constable Andrew Moffat said the force accepted the findings and had already recruited extra "
            "call handlers. He said performance had improved since the inspection.",
            "The police and crime commissioner said the figures were encouraging but that the force would stay under "
            "enhanced monitoring until inspectors were satisfied the improvement would last.",
        ],
    },
]


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(p.removeprefix("## ") for p in paragraphs if p != "TABLE")


def variants(article: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """The copies other outlets run of one story; which edits each copy gets rotates with the group number."""
    paragraphs = [p for p in article["paragraphs"] if p != "TABLE"]
    tweak = HEADLINE_TWEAKS[number % len(HEADLINE_TWEAKS)]
    old, new = REWORDINGS[number % len(REWORDINGS)]
    copies = [
        {  # the wire copy with the outlet's own sign-off and a rewritten headline
            "title": tweak(article["title"]),
            "text": body(paragraphs) + "\n\n" + SIGN_OFFS[number % len(SIGN_OFFS)],
        },
        {  # a lightly reworded rewrite with one paragraph added
            "title": article["title"],
            "text": body(paragraphs).replace(old, new) + "\n\n" + ADDED_PARAGRAPHS[number % len(ADDED_PARAGRAPHS)],
        },
    ]
    if number % 2 == 0:  # a copy cut for length: last paragraph dropped
        copies.append(
            {"title": article["title"].upper() if number % 4 == 0 else article["title"], "text": body(paragraphs[:-1])}
        )
    if number % 3 == 1:  # a news-in-brief copy: the first two paragraphs, every rewording applied
        brief = body(paragraphs[:2])
        for before, after in REWORDINGS:
            brief = brief.replace(before, after)
        copies.append({"title": article["title"], "text": brief})
    return copies


def main() -> None:
    rows: list[dict[str, Any]] = []
    outlets = ["wire", "outlet-a", "outlet-b", "outlet-c", "outlet-d"]
    for number, article in enumerate(ARTICLES):
        start = datetime.fromisoformat(article["date"] or "2025-01-01T12:00:00+00:00")
        rows.append(
            {
                "article_id": f"{article['slug']}-0",
                "story": article["slug"],
                "source_id": outlets[0],
                "title": article["title"],
                "text": body(article["paragraphs"]),
                "published_at": start.isoformat(),
            }
        )
        for index, copy in enumerate(variants(article, number), start=1):
            rows.append(
                {
                    "article_id": f"{article['slug']}-{index}",
                    "story": article["slug"],
                    "source_id": outlets[index],
                    "title": copy["title"],
                    "text": copy["text"],
                    "published_at": (start + timedelta(minutes=37 * index)).isoformat(),
                }
            )
    bases = {a["slug"]: a for a in ARTICLES}
    for number, follow in enumerate(FOLLOW_UPS):
        start = datetime.fromisoformat(bases[follow["base"]]["date"]) + timedelta(hours=follow["hours"])
        rows.append(
            {
                "article_id": f"{follow['slug']}-0",
                "story": follow["slug"],
                "source_id": outlets[0],
                "title": follow["title"],
                "text": body(follow["paragraphs"]),
                "published_at": start.isoformat(),
            }
        )
        if number % 2 == 0:  # some follow-ups are syndicated too
            rows.append(
                {
                    "article_id": f"{follow['slug']}-1",
                    "story": follow["slug"],
                    "source_id": outlets[2],
                    "title": follow["title"] + " - latest",
                    "text": body(follow["paragraphs"]) + "\n\n" + SIGN_OFFS[1],
                    "published_at": (start + timedelta(minutes=50)).isoformat(),
                }
            )
    rows.sort(key=lambda row: (row["published_at"], row["article_id"]))
    (HERE / "articles.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} articles in {len({r['story'] for r in rows})} stories")


if __name__ == "__main__":
    main()
