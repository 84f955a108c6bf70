"""Sending one message to one channel against a real loopback receiver: which failures are retried, how long
a rate limit is waited out, and that the channel URL never leaks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from smtp_receiver import SmtpReceiver
from webhook_receiver import Answer, WebhookReceiver, closed_port

from flows.adapters.delivery import (
    Channel,
    RetryPolicy,
    channel_for,
    mask_url,
    scrub,
    send_message,
    send_test_message,
)
from transforms.alerts import Alert
from transforms.channel_formats import format_digest
from transforms.digest import AlertContext, AlertView, DigestEntry, Evidence, alert_views

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
        apprise_fields = {key: request["body"][key] for key in ("version", "title", "message", "attachments", "type")}
        assert apprise_fields == {"version": "1.0", "title": "title", "message": "body", "attachments": [],
                                  "type": "info"}
        assert (request["headers"]["X-Team"], request["headers"]["Authorization"]) == ("press", "Basic Ym90OnB3")
        assert (request["body"]["source"], request["headers"]["User-Agent"]) == ("presswatch", "presswatch")

    def test_field_renames_from_the_url_apply(self) -> None:
        """apprise's `:field=name` option renames a payload key, as apprise's own json:// does."""
        with WebhookReceiver() as receiver:
            send(f"json://127.0.0.1:{receiver.port}/hook?:message=text")

        body = receiver.received[0]["body"]
        assert (body.get("text"), "message" in body) == ("body", False)


class TestAppriseChannels:
    def test_apprise_failure_is_retried(self) -> None:
        """Through apprise (form://) a 500 then 200 is delivered on the second attempt."""
        with WebhookReceiver([Answer(500)]) as receiver:
            result = send(receiver.url("form"))

        assert result[:2] == (True, 2)

    @pytest.mark.parametrize(
        ("url", "channel_format", "transport"),
        [("discord://123456/abcdefgh", "discord", "webhook"), ("slack://T1/B1/abcdefgh", "slack", "webhook"),
         ("https://hooks.slack.com/services/T1/B1/abcdefgh", "slack", "webhook"),
         ("slack://xoxb-1234-1234-abcdefgh/#general", "markdown", "apprise"),
         ("slack://T1/B1/abcdefgh/#general", "markdown", "apprise"),
         ("workflows://prod.example.logic.azure.com:443/wf1/sig1", "teams", "webhook"),
         ("mailto://user:pw@example.com", "email", "apprise"), ("json://127.0.0.1/hook", "json", "webhook"),
         ("tgram://123456789:abcdefgh/12345", "markdown", "apprise"), ("form://127.0.0.1/hook", "text", "apprise")],
    )
    def test_channel_format_and_transport(self, url: str, channel_format: str, transport: str) -> None:
        """Slack webhooks, Discord, Teams Workflows and JSON are posted by us in their own format; email gets HTML
        through apprise; other chat services Markdown through apprise."""
        channel = channel_for(url)

        assert (channel.format, channel.transport) == (channel_format, transport)

    @pytest.mark.parametrize(
        ("url", "endpoint"),
        [("slack://T1/B1/abcdefgh", "https://hooks.slack.com/services/T1/B1/abcdefgh"),
         ("discord://123456/abcdefgh", "https://discord.com/api/webhooks/123456/abcdefgh"),
         ("discord://123456/abcdefgh?thread=77", "https://discord.com/api/webhooks/123456/abcdefgh?thread_id=77"),
         ("workflows://prod.example.logic.azure.com:443/wf1/sig1",
          "https://prod.example.logic.azure.com:443/workflows/wf1/triggers/manual/paths/invoke"
          "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=sig1")],
    )
    def test_endpoint_is_the_one_apprise_would_post_to(self, url: str, endpoint: str) -> None:
        """The service's endpoint is derived from apprise's parse of the URL, decided before any connection."""
        assert channel_for(url).target == endpoint

    def test_apprise_posts_as_presswatch(self) -> None:
        """Through apprise the request names presswatch, not Apprise."""
        with WebhookReceiver() as receiver:
            send(receiver.url("form"))

        assert receiver.received[0]["headers"]["User-Agent"] == "presswatch"

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

    @pytest.mark.parametrize("url", ["json://127.0.0.1/T0SECRET", "slack://T1/B1/T0SECRET",
                                     "discord://123456/T0SECRET"])
    def test_channel_repr_hides_the_url(self, url: str) -> None:
        """Logging a channel object cannot leak its URL or the endpoint made from it."""
        assert "T0SECRET" not in repr(channel_for(url))


AS_OF = datetime(2025, 1, 6, 21, tzinfo=UTC)


def digest_views() -> list[AlertView]:
    made = Alert(alert_id="id-1", rule="spike-person-day", subject_kind="person", subject="keir-starmer",
                 window_start=AS_OF - timedelta(days=1), window_end=AS_OF, value=10, expected=3.25, baseline=1.5,
                 ratio=3.08, zscore=3.74, baseline_label="trailing 6 days")
    headline = Evidence("Starmer answers critics", "https://news.example/a", "BBC", "Sir Keir said so.", "s1")
    return alert_views([DigestEntry(made, AlertContext(headlines=(headline,), outlets=(("BBC", 4),)))],
                       {"keir-starmer": "Keir Starmer"})


def on_loopback(url: str, receiver: WebhookReceiver) -> Channel:
    """The channel as configured, with its endpoint moved to the loopback receiver (the services' hosts are fixed)."""
    return replace(channel_for(url), target=receiver.url("http", "/services/T1/B1/abcdefgh"))


class TestNativeChannels:
    @pytest.mark.parametrize(
        ("url", "key"),
        [("slack://T1/B1/abcdefgh", "blocks"), ("discord://123456/abcdefgh", "embeds"),
         ("workflows://prod.example.logic.azure.com:443/wf1/sig1", "attachments")],
    )
    def test_digest_posted_in_the_service_format(self, url: str, key: str) -> None:
        """A real POST of the channel's own payload (blocks, embeds, an Adaptive Card) reaches the receiver."""
        with WebhookReceiver() as receiver:
            channel = on_loopback(url, receiver)
            message = format_digest(digest_views(), channel.format, as_of=AS_OF, body_limit=channel.body_limit,
                                    max_messages=5)[0]
            outcome = send_message(channel, message.title, message.body, FAST, payload=message.payload)

        body = receiver.received[0]["body"]
        assert outcome.ok
        assert body[key] == message.payload[key]
        assert "Keir Starmer: 10 stories in the last 24 hours, about 3 times a usual day" in str(body)
        assert "z=" not in str(body) and "expected" not in str(body)

    @pytest.mark.parametrize("url", ["slack://T1/B1/abcdefgh", "discord://123456/abcdefgh"])
    def test_posted_as_presswatch_unless_the_url_names_a_bot(self, url: str) -> None:
        """Slack and Discord get username presswatch; apprise's botname/user part in the URL overrides it."""
        with WebhookReceiver() as receiver:
            send_message(on_loopback(url, receiver), "title", "body", FAST)
            named = url.replace("://", "://newsdesk@")
            send_message(on_loopback(named, receiver), "title", "body", FAST)

        assert [item["body"]["username"] for item in receiver.received] == ["presswatch", "newsdesk"]

    def test_rate_limit_on_a_service_waits_its_retry_after(self) -> None:
        """Discord's 429 with Retry-After is waited out like any webhook's."""
        waits: list[float] = []
        with WebhookReceiver([Answer(429, {"Retry-After": "1.5"})]) as receiver:
            outcome = send_message(on_loopback("discord://123456/abcdefgh", receiver), "t", "b", FAST, waits.append)

        assert (outcome.ok, waits) == (True, [1.5])


class TestEmail:
    def test_digest_email_has_an_html_part_and_names_presswatch(self) -> None:
        """Through a loopback SMTP server: multipart/alternative with our HTML and a plain part, from presswatch."""
        with SmtpReceiver() as smtp:
            url = f"mailto://127.0.0.1:{smtp.port}?mode=insecure&from=alerts@example.com&to=team@example.com"
            channel = channel_for(url)
            message = format_digest(digest_views(), channel.format, as_of=AS_OF, body_limit=channel.body_limit,
                                    max_messages=5)[0]
            outcome = send_message(channel, message.title, message.body, FAST)

        mail = smtp.messages[0]
        html = mail.get_body(("html",)).get_content()
        plain = mail.get_body(("plain",)).get_content()
        assert outcome.ok and mail.get_content_type() == "multipart/alternative"
        assert "about 3 times a usual day</h3>" in html and '<a href="https://news.example/a">' in html
        assert "Keir Starmer: 10 stories in the last 24 hours" in plain
        assert (mail["Subject"], mail["X-Application"]) == ("presswatch: 1 alert as of 2025-01-06 21:00 UTC",
                                                             "presswatch")
