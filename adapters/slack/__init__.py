"""Slack adapter: bolt AsyncApp + slack_sdk, translating to and from the neutral core."""

from adapters.slack.adapter import SlackAdapter, SlackConfig

__all__ = ["SlackAdapter", "SlackConfig"]
