"""Slack adapter: bolt AsyncApp + slack_sdk, translating to and from the neutral core."""

from adapters.slack.adapter import SlackAdapter
from adapters.slack.config import SlackConfig

__all__ = ["SlackAdapter", "SlackConfig"]
