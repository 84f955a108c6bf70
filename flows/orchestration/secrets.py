"""Alert channel URLs kept in a Prefect Secret block (PRESSWATCH_ALERT_SECRET_BLOCK) instead of the environment.

Read once where settings are composed (the CLI, or the flow's entry for scheduled runs), so everything below
receives the URLs in `settings.alerts.urls` and never needs to know where they were kept.
"""

from __future__ import annotations

from prefect.blocks.system import Secret

from flows.config import Settings, split_urls


def with_secret_alert_urls(settings: Settings) -> Settings:
    """The settings with the block's URLs as the alert channels (a list, a {"urls": [...]} dict, or text)."""
    block = settings.alerts.secret_block
    if not block:
        return settings
    value = Secret.load(block).get()  # type: ignore[union-attr]
    if isinstance(value, list | tuple):
        urls = tuple(str(item) for item in value if item)
    elif isinstance(value, dict):
        urls = tuple(str(item) for item in value.get("urls", []) if item)
    else:
        urls = split_urls(str(value))
    return settings.with_values(**{"alerts.urls": urls})
