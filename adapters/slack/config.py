"""What the Slack adapter needs from the environment (built by bot/slack_wiring.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackConfig:
    """Credentials and endpoints of one Slack app: a signing secret, and either one workspace's
    bot token or an OAuth client for multi-workspace installs; an app token for Socket Mode."""

    signing_secret: str = field(repr=False)
    bot_token: str = field(default="", repr=False)
    app_token: str = field(default="", repr=False)
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    api_url: str = ""

    @property
    def oauth(self) -> bool:
        """Multi-workspace installs (OAuth) rather than one workspace's bot token.

        As in bolt itself (which reads SLACK_CLIENT_ID/SECRET from the environment), a client id
        and secret win over SLACK_BOT_TOKEN."""
        return bool(self.client_id and self.client_secret)

    @property
    def base_url(self) -> str:
        """The Web API base URL with its trailing slash (SLACK_API_URL points tests at a mock)."""
        url = self.api_url or DEFAULT_API_URL
        return url if url.endswith("/") else url + "/"
