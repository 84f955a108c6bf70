"""Sending one message to one channel against a real loopback receiver: which failures are retried, how long
a rate limit is waited out, and that the channel URL never leaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from webhook_receiver import Answer, WebhookReceiver, closed_port

from flows.delivery import (
    RetryPolicy,
    alert_urls_from_environment,
    channel_for,
    mask_url,
    retry_after_seconds,
    scrub,
    send_message,
    send_test_message,
)

FAST = RetryPolicy(attempts=3, base_delay_s=0.01, max_delay_s=0.05, max_retry_after_s=5.0, timeout_s=2.0)


def send(url: str, waits: list[float] | None = None) -> tuple[bool, int, str, bool]:
    outcome = send_message(channel_for(url), "title", "body", FAST, (waits if waits is not None else []).append)
    return outcome.ok, outcome.attempts, outcome.detail, outcome.retry_later


class TestWebhookRetries:
    @pytest.mark.parametrize(
        ("script", "expected"),
        [
            ([], (True, 1, "http 200", False)),
            ([Answer(500)], (True, 2, "http 200", False)),
            ([Answer(503), Answer(502), Answer(504)], (False, 3, "http 504", True)),
            ([Answer(404)], (False, 1, "http 404: rejected, not retried", False)),
            ([Answer(400)], (False, 1, "http 400: rejected, not retried", False)),
        ],
        ids=["ok", "500-then-200", "5xx-throughout", "404", "400"],
    )
    def test_status_decides_retry(self, script: list[Answer], expected: tuple[bool, int, str, bool]) -> None:
        """5xx is retried with backoff, other 4xx stop at once; the outcome says whether a later run should retry."""
        with WebhookReceiver(script) as receiver:
            result = send(receiver.url())

        assert result == expected
        assert len(receiver.received) == expected[1]

    def test_rate_limit_waits_its_retry_after(self) -> None:
        """A 429 is retried after exactly its Retry-After seconds."""
        waits: list[float] = []
        with WebhookReceiver([Answer(429, {"Retry-After": "2"})]) as receiver:
            result = send(receiver.url(), waits)

        assert (result[0], waits) == (True, [2.0])

    def test_long_rate_limit_is_left_to_the_next_run(self) -> None:
        """A Retry-After longer than the policy allows ends this run's attempts, to be retried later."""
        with WebhookReceiver([Answer(429, {"Retry-After": "3600"})]) as receiver:
            result = send(receiver.url())

        assert result == (False, 1, "http 429: rate limited for 3600s", True)

    def test_network_error_is_retried_then_left_for_later(self) -> None:
        """Nothing listening: each attempt fails with a network error and the message waits for the next run."""
        waits: list[float] = []

        result = send(f"json://127.0.0.1:{closed_port()}/hook", waits)

        assert result == (False, 3, "network error: ConnectError", True)
        assert len(waits) == 2

    def test_payload_headers_and_auth_follow_apprise_json(self) -> None:
        """The POST carries apprise's JSON fields, +headers from the URL and basic auth from its user part."""
        with WebhookReceiver() as receiver:
            send(f"json://bot:pw@127.0.0.1:{receiver.port}/hook?+X-Team=press")

        request = receiver.received[0]
        assert request["body"] == {"version": "1.0", "title": "title", "message": "body", "attachments": [],
                                   "type": "info"}
        assert (request["headers"]["X-Team"], request["headers"]["Authorization"]) == ("press", "Basic Ym90OnB3")

    @pytest.mark.parametrize(
        ("value", "seconds"),
        [("7", 7.0), ("0", 0.0), ("soon", None), (None, None)],
    )
    def test_retry_after_forms(self, value: str | None, seconds: float | None) -> None:
        """Retry-After as delay seconds; nonsense is ignored."""
        assert retry_after_seconds(value) == seconds

    def test_retry_after_as_a_date(self) -> None:
        """Retry-After as an HTTP date counts down from now."""
        now = datetime(2025, 1, 6, 21, tzinfo=UTC)

        assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0


class TestAppriseChannels:
    def test_apprise_failure_is_retried(self) -> None:
        """Through apprise (form://) a 500 then 200 is delivered on the second attempt."""
        with WebhookReceiver([Answer(500)]) as receiver:
            result = send(receiver.url("form"))

        assert result[:2] == (True, 2)

    @pytest.mark.parametrize(
        ("url", "flavour", "limit_at_most"),
        [("discord://123456/abcdefgh", "markdown", 2000), ("slack://T1/B1/abcdefgh", "markdown", 35000),
         ("mailto://user:pw@example.com", "text", 32768), ("json://127.0.0.1/hook", "text", 30000)],
    )
    def test_channel_flavour_and_limit(self, url: str, flavour: str, limit_at_most: int) -> None:
        """Chat services get markdown within apprise's own size limit; email and webhooks get plain text."""
        channel = channel_for(url)

        assert (channel.flavour, channel.body_limit <= limit_at_most) == (flavour, True)

    def test_test_message_reports_each_channel_masked(self) -> None:
        """`alerts test` reports per channel, showing only the scheme."""
        with WebhookReceiver([Answer(404)]) as receiver:
            results = send_test_message([receiver.url(), receiver.url("form")], FAST)

        assert [(channel, ok) for channel, ok, _ in results] == [("json://***", False), ("form://***", True)]


class TestSecrets:
    @pytest.mark.parametrize(
        ("url", "masked"),
        [("slack://T000/B000/XXXX", "slack://***"), ("https://hooks.example/abc", "https://***"),
         ("not a url", "unknown://***")],
    )
    def test_mask_url(self, url: str, masked: str) -> None:
        """Only the scheme survives masking."""
        assert mask_url(url) == masked

    def test_scrub_removes_tokens_and_passwords(self) -> None:
        """Error texts lose every secret-looking part of the URL."""
        url = "mailto://alerts:hunter22@example.com?to=team@example.com"

        text = scrub(f"failed for {url} with password hunter22", [url])

        assert "hunter22" not in text and url not in text

    def test_channel_repr_hides_the_url(self) -> None:
        """Logging a channel object cannot leak its URL."""
        assert "T0SECRET" not in repr(channel_for("json://127.0.0.1/T0SECRET"))


class TestConfiguration:
    def test_urls_from_the_environment(self) -> None:
        """PRESSWATCH_ALERT_URLS takes apprise URLs separated by spaces, commas or new lines."""
        environ = {"PRESSWATCH_ALERT_URLS": "slack://a/b/c, json://127.0.0.1/x\nmailto://u:p@example.com"}

        assert alert_urls_from_environment(environ) == [
            "slack://a/b/c", "json://127.0.0.1/x", "mailto://u:p@example.com"
        ]
