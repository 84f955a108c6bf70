"""The quote-pickup alert rule: a tracked person's quote carried by N outlets, off by default, with cool-down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from transforms.alerts import AlertRule, apply_cooldown, find_quote_pickups, parse_alert_rules
from transforms.digest import DigestEntry, plain_digest

AS_OF = datetime(2031, 3, 6, 21, tzinfo=UTC)
RULE = AlertRule(rule_id="quote-pickup", kind="quote-pickup", subject_kind="quote", min_stories=3,
                 cooldown_hours=24, escalate_factor=2.0)
NAMES = {"helena-marsh": "Helena Marsh"}
SHIPPED_RULES = Path(__file__).resolve().parents[2] / "seeds" / "alert_rules.csv"


def pickups(*rows: tuple[str, int, int]) -> pl.DataFrame:
    """(quote words, outlets, articles) of Helena Marsh, first run at 08:00 by The Herald."""
    return pl.DataFrame(
        [{"person_id": "helena-marsh", "quote_key": words.lower(), "quote_text": words, "outlets": outlets,
          "articles": articles, "first_outlet": "The Herald", "first_published_at": AS_OF.replace(hour=8)}
         for words, outlets, articles in rows]
    )  # fmt: skip


class TestFindQuotePickups:
    def test_quote_carried_by_enough_outlets_fires_with_its_figures(self) -> None:
        """Three outlets meet the rule's threshold; the alert names the person, the quote and where it ran first."""
        alerts = find_quote_pickups(
            pickups(("We will not be bullied", 3, 4), ("Only two ran this", 2, 2)), as_of=AS_OF, rule=RULE
        )

        assert [(a.subject.split(":")[0], a.value, a.baseline, a.note) for a in alerts] == [
            ("helena-marsh", 3.0, 4.0, "We will not be bullied")
        ]
        assert alerts[0].baseline_label == "first run by The Herald at 2031-03-06 08:00 UTC"

    def test_each_quote_is_its_own_subject(self) -> None:
        """Two quotes of one person are two subjects, so cooling one down does not silence the other."""
        alerts = find_quote_pickups(pickups(("First quote words here", 3, 3), ("Second quote words here", 4, 4)),
                                    as_of=AS_OF, rule=RULE)

        assert len({alert.subject for alert in alerts}) == 2

    def test_cool_down_holds_the_same_quote_until_it_doubles(self) -> None:
        """An hour later the same quote is held back at 4 outlets and fires again, as an escalation, at 6."""
        first = find_quote_pickups(pickups(("We will not be bullied", 3, 3)), as_of=AS_OF, rule=RULE)[0]
        previous = pl.DataFrame([{"rule": first.rule, "subject": first.subject, "event": first.event,
                                  "window_end": first.window_end, "value": first.value}])
        later = AS_OF + timedelta(hours=1)

        held = apply_cooldown(find_quote_pickups(pickups(("We will not be bullied", 4, 4)), as_of=later, rule=RULE),
                              previous, {RULE.rule_id: RULE}, as_of=later)
        grown = apply_cooldown(find_quote_pickups(pickups(("We will not be bullied", 6, 7)), as_of=later, rule=RULE),
                               previous, {RULE.rule_id: RULE}, as_of=later)

        assert (len(held.fired), len(held.suppressed)) == (0, 1)
        assert [alert.escalation for alert in grown.fired] == [True]

    def test_digest_reads_in_plain_words(self) -> None:
        """The digest names the person and the quote, then the figures."""
        alert = find_quote_pickups(pickups(("We will not be bullied", 3, 4)), as_of=AS_OF, rule=RULE)[0]

        text = plain_digest([DigestEntry(alert)], NAMES, AS_OF)

        assert "* Helena Marsh: quote run by 3 outlets in the last 24 hours: “We will not be bullied”" in text
        assert "3 outlets, 4 articles; first run by The Herald at 2031-03-06 08:00 UTC; rule quote-pickup" in text


class TestRulesFile:
    def test_shipped_rule_is_off_by_default(self) -> None:
        """The shipped quote-pickup row is there to be enabled, and does not fire until it is."""
        rules = {rule.rule_id: rule for rule in parse_alert_rules(SHIPPED_RULES.read_text(encoding="utf-8"))}

        assert rules["quote-pickup"].kind == "quote-pickup"
        assert rules["quote-pickup"].enabled is False

    @pytest.mark.parametrize(("cell", "expected"), [("", 3), ("5", 5)])
    def test_outlet_threshold_defaults_to_three(self, cell: str, expected: int) -> None:
        """A blank min_stories cell takes the kind's default of three outlets."""
        text = f"rule_id,kind,subject_kind,min_stories\nq,quote-pickup,,{cell}\n"

        assert parse_alert_rules(text)[0].min_stories == expected
