"""The alert stage evaluates the quote-pickup rule against a real warehouse: once, then held by the cool-down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from quote_warehouse import AS_OF, build_quote_warehouse

from flows.alerting import run_alert_stage

NAMES = {"helena-marsh": "Helena Marsh", "tobias-wren": "Tobias Wren"}
SHIPPED_RULES = Path(__file__).resolve().parents[2] / "seeds" / "alert_rules.csv"


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_quote_warehouse(tmp_path / "w.duckdb")


def enabled_rules(tmp_path: Path) -> Path:
    """The shipped quote-pickup row alone, switched on."""
    header, *rows = SHIPPED_RULES.read_text(encoding="utf-8").splitlines()
    row = next(line for line in rows if line.startswith("quote-pickup,"))
    path = tmp_path / "alert_rules.csv"
    path.write_text(f"{header}\n{row.replace(',false,', ',true,')}\n", encoding="utf-8")
    return path


class TestQuotePickupStage:
    def test_picked_up_quote_fires_once_with_evidence(self, warehouse: Path, tmp_path: Path) -> None:
        """The quote three outlets ran today fires for Helena Marsh, linking the articles; the next run is quiet."""
        rules = enabled_rules(tmp_path)

        first = run_alert_stage(warehouse, run_id="r1", started_at=AS_OF, as_of=AS_OF, alert_urls=[],
                                rules_file=rules, names=NAMES)
        later = AS_OF + timedelta(hours=1)
        second = run_alert_stage(warehouse, run_id="r2", started_at=later, as_of=later, alert_urls=[],
                                 rules_file=rules, names=NAMES)

        quotes = [alert for alert in first.fired if alert.rule == "quote-pickup"]
        assert [(alert.members, alert.value) for alert in quotes] == [(("helena-marsh",), 3.0)]
        assert "Helena Marsh: quote run by 3 outlets in the last 24 hours" in first.digest_text
        assert "https://herald.example/m1" in first.digest_text
        assert [alert for alert in second.fired if alert.rule == "quote-pickup"] == []
        with duckdb.connect(str(warehouse), read_only=True) as con:
            stored = con.execute("select count(*) from alerts where rule = 'quote-pickup'").fetchone()
        assert stored == (1,)

    def test_shipped_rules_send_no_quote_alert(self, warehouse: Path) -> None:
        """With the rules as shipped (quote pickup off), the same warehouse fires no quote alert."""
        result = run_alert_stage(warehouse, run_id="r1", started_at=AS_OF, as_of=AS_OF, alert_urls=[],
                                 rules_file=SHIPPED_RULES, names=NAMES)

        assert [alert for alert in result.fired if alert.rule == "quote-pickup"] == []
