"""Settings from the environment: each rule a person configuring Outward can trip answers with
one line naming the variable and what it expects; what was accepted before still is; secrets
never show."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError

PG = "postgresql+asyncpg://outward:db-pass-123@db:5432/outward"
SECRET = "s3cr3t-" + "x" * 40


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"PORT": "eighty"}, "PORT must be a whole number, got 'eighty'"),
        ({"PORT": "0"}, "PORT must be between 1 and 65535, got 0"),
        ({"PORT": "65536"}, "PORT must be between 1 and 65535, got 65536"),
        ({"OUTWARD_TIMEZONE": "Mars/Olympus"},
         "OUTWARD_TIMEZONE 'Mars/Olympus' is not a known time zone (e.g. America/Chicago)"),
        # a fixed offset with no daylight saving: an hour off all summer; the zone meant
        ({"OUTWARD_TIMEZONE": "EST"},
         "OUTWARD_TIMEZONE 'EST' names an offset from UTC, not a place's clock, and does not "
         "follow daylight saving time: use America/New_York for US Eastern time"),
        ({"OUTWARD_TIMEZONE": "pst"},
         "OUTWARD_TIMEZONE 'pst' names an offset from UTC, not a place's clock, and does not "
         "follow daylight saving time: use America/Los_Angeles for US Pacific time"),
        ({"OUTWARD_QUIET_HOURS": "late"},
         "OUTWARD_QUIET_HOURS 'late' is not a time window like 09:00-17:00 (or 'none')"),
        ({"OUTWARD_QUIET_HOURS": "20:00-24:30"},
         "OUTWARD_QUIET_HOURS '20:00-24:30' ends after 24:00 (or 'none')"),
        ({"OUTWARD_QUIET_HOURS": "09:00-09:00"},
         "OUTWARD_QUIET_HOURS '09:00-09:00' is empty (or 'none')"),
        ({"OUTWARD_LOG_FORMAT": "XML"}, "OUTWARD_LOG_FORMAT must be text or json, got 'xml'"),
        ({"OUTWARD_LOG_LEVEL": "chatty"},
         "OUTWARD_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got 'CHATTY'"),
        ({"OUTWARD_THEMES_ENGINE": "bert"},
         "OUTWARD_THEMES_ENGINE must be tfidf or semantic, got 'bert'"),
        # two is refused: either of two people reads the other's answers off a total
        ({"OUTWARD_K_RESPONSES": "2"}, "OUTWARD_K_RESPONSES must be between 3 and 1000, got 2: "
         "with fewer, people could read each other's answers off a total"),
        ({"OUTWARD_K_COMMENTS": "1"}, "OUTWARD_K_COMMENTS must be between 3 and 1000, got 1: "
         "with fewer, people could read each other's answers off a total"),
        ({"OUTWARD_K_COMMENTS": "1001"},
         "OUTWARD_K_COMMENTS must be between 3 and 1000, got 1001"),
        ({"OUTWARD_K_COMMENTS": "2.5"}, "OUTWARD_K_COMMENTS must be a whole number, got '2.5'"),
        # only plain digits: not what pydantic's lax mode or Python's int() would also take
        ({"OUTWARD_K_COMMENTS": "5.0"}, "OUTWARD_K_COMMENTS must be a whole number, got '5.0'"),
        ({"OUTWARD_SEMANTIC_MAX_COMMENTS": "1_000"},
         "OUTWARD_SEMANTIC_MAX_COMMENTS must be a whole number, got '1_000'"),
        ({"OUTWARD_K_RESPONSES": "+7"}, "OUTWARD_K_RESPONSES must be a whole number, got '+7'"),
        ({"PORT": "８０８０"}, "PORT must be a whole number, got '８０８０'"),
        ({"OUTWARD_RETENTION_DAYS": "1e3"},
         "OUTWARD_RETENTION_DAYS must be a whole number, got '1e3'"),
        # past 4,300 digits Python's int() would answer about itself, not the setting
        ({"OUTWARD_K_RESPONSES": "9" * 5000},
         "OUTWARD_K_RESPONSES has more than 18 digits, far outside its range"),
        ({"OUTWARD_REPORT_LINK_MINUTES": "1441"},
         "OUTWARD_REPORT_LINK_MINUTES must be between 1 and 1440, got 1441"),
        ({"OUTWARD_RETENTION_DAYS": "-1"},
         "OUTWARD_RETENTION_DAYS must be between 0 and 36500, got -1"),
        ({"OUTWARD_OUTBOX_LEASE_SECONDS": "0"},
         "OUTWARD_OUTBOX_LEASE_SECONDS must be between 1 and 86400, got 0"),
        # the scheme as written (not the driver SQLAlchemy would pick for it), Heroku's too
        *[({"OUTWARD_DATABASE_URL": url},
           "OUTWARD_DATABASE_URL must use sqlite+aiosqlite:// or postgresql+asyncpg:// (e.g. "
           "sqlite+aiosqlite:///outward.db or postgresql+asyncpg://user:pass@host/db), "
           f"got {url.partition(':')[0]}://")
          for url in ("mysql://x/y", "sqlite:///outward.db", "postgresql://u:p@db/outward",
                      "postgres://u:p@db/outward")],
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"},
         "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information > "
         "App-Level Tokens)"),
        ({"OUTWARD_PUBLIC_URL": "outward.example.org"},
         "OUTWARD_PUBLIC_URL must start with https:// (or http://), got 'outward.example.org'"),
        ({"OUTWARD_TEAMS_DEV_NO_AUTH": "maybe"},
         "OUTWARD_TEAMS_DEV_NO_AUTH must be 1 or 0, got 'maybe'"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "slack"},
         "SLACK_API_URL must be an http(s) URL, got 'slack'"),
        ({"SLACK_SIGNING_SECRET": "s"},
         "SLACK_BOT_TOKEN (single workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
         "(OAuth installs) must be set with SLACK_SIGNING_SECRET"),
        ({"SLACK_CLIENT_ID": "111.222"},
         "SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN or SLACK_CLIENT_ID is set "
         "(Slack app settings > Basic Information > Signing Secret)"),
    ],
)
def test_each_rule_is_one_line_naming_the_variable(env: dict[str, str], line: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    assert str(info.value) == line


def test_a_short_or_missing_secret_is_named_and_never_echoed() -> None:
    with pytest.raises(SettingsError) as short:
        Settings.from_env({"OUTWARD_SECRET": "hunter2"})
    assert str(short.value).startswith("OUTWARD_SECRET must be at least 32 characters")
    assert "hunter2" not in str(short.value)
    with pytest.raises(SettingsError) as missing:
        Settings.from_env({"OUTWARD_DATABASE_URL": PG})
    assert str(missing.value).startswith("OUTWARD_SECRET is required with PostgreSQL")
    assert "db-pass-123" not in str(missing.value)
    with pytest.raises(SettingsError) as token:
        Settings.from_env({"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxp-user-secret"})
    assert str(token.value) == "SLACK_BOT_TOKEN must be a bot token starting with xoxb-"


def test_several_wrong_variables_are_one_line_naming_all_of_them() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"PORT": "x", "OUTWARD_TIMEZONE": "Nowhere", "OUTWARD_K_COMMENTS": "1"})
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("PORT must be a whole number, got 'x'")
    assert message.endswith("(also wrong: OUTWARD_TIMEZONE, OUTWARD_K_COMMENTS)")


def test_blank_values_mean_the_default_and_values_are_stripped() -> None:
    blank = Settings.from_env({name: "  " for name in (
        "OUTWARD_DATABASE_URL", "PORT", "OUTWARD_HOST", "OUTWARD_TIMEZONE", "OUTWARD_LOG_LEVEL",
        "OUTWARD_LOG_FORMAT", "OUTWARD_K_RESPONSES", "OUTWARD_ORGANISATION", "OUTWARD_SECRET",
        "OUTWARD_THEMES_ENGINE", "OUTWARD_PUBLIC_URL", "SLACK_BOT_TOKEN", "MicrosoftAppId",
        "OUTWARD_QUIET_HOURS")})
    assert blank == Settings.from_env({})
    assert (blank.port, blank.host, blank.timezone, blank.organisation) == (
        3000, "0.0.0.0", "UTC", "your organisation")
    assert blank.slack is None and blank.teams is None
    s = Settings.from_env({"PORT": " 8080 ", "OUTWARD_TIMEZONE": " america/chicago\n",
                           "OUTWARD_LOG_LEVEL": "debug", "OUTWARD_LOG_FORMAT": " JSON ",
                           "OUTWARD_THEMES_ENGINE": "TFIDF", "OUTWARD_K_RESPONSES": "\t7 ",
                           "OUTWARD_PUBLIC_URL": "https://outward.example.org/"})
    assert (s.port, s.timezone, s.log_level, s.log_format, s.themes_engine, s.k_responses) == (
        8080, "America/Chicago", "DEBUG", "json", "tfidf", 7)
    assert s.public_url == "https://outward.example.org"
    assert Settings.from_env({"PORT": "8080"}).public_url == "http://localhost:8080"


def test_quiet_hours_default_none_and_empty() -> None:
    assert Settings.from_env({}).quiet_hours == "20:00-07:00"
    assert Settings.from_env({"OUTWARD_QUIET_HOURS": "None"}).quiet_hours == ""
    # set but empty (`OUTWARD_QUIET_HOURS=` in a .env or compose file) is not set: the
    # default, never quiet hours silently off
    assert Settings.from_env({"OUTWARD_QUIET_HOURS": ""}).quiet_hours == "20:00-07:00"
    assert Settings.from_env({"OUTWARD_QUIET_HOURS": "  "}).quiet_hours == "20:00-07:00"
    assert Settings.from_env({"OUTWARD_QUIET_HOURS": " 22:00-06:30 "}).quiet_hours == (
        "22:00-06:30")


def test_teams_dev_mode_is_only_without_an_app_id() -> None:
    assert Settings.from_env({"OUTWARD_TEAMS_DEV_NO_AUTH": "0"}).teams is None
    dev = Settings.from_env({"OUTWARD_TEAMS_DEV_NO_AUTH": "true"}).teams
    assert dev is not None and dev.dev_no_auth and dev.app_id == ""
    real = Settings.from_env({"OUTWARD_TEAMS_DEV_NO_AUTH": "1", "MicrosoftAppId": "app",
                              "MicrosoftAppPassword": "pw", "MicrosoftAppTenantId": "t1"}).teams
    assert real is not None and not real.dev_no_auth
    assert (real.app_id, real.app_password.get_secret_value(), real.tenant_id) == (
        "app", "pw", "t1")


def test_no_secret_appears_in_repr_or_str() -> None:
    secrets = {"SLACK_SIGNING_SECRET": "sign-sekrit", "SLACK_BOT_TOKEN": "xoxb-bot-sekrit",
               "SLACK_APP_TOKEN": "xapp-app-sekrit", "SLACK_CLIENT_ID": "111.222",
               "SLACK_CLIENT_SECRET": "client-sekrit", "MicrosoftAppId": "app-id",
               "MicrosoftAppPassword": "teams-sekrit", "OUTWARD_SECRET": SECRET}
    s = Settings.from_env({**secrets, "OUTWARD_DATABASE_URL": PG})
    shown = repr(s) + str(s) + repr(s.slack) + str(s.teams) + s.model_dump_json()
    for name, value in secrets.items():
        if name not in ("SLACK_CLIENT_ID", "MicrosoftAppId"):
            assert value not in shown, name
    assert "db-pass-123" not in repr(s) and "db:5432/outward" in repr(s)
    assert s.database_url == PG  # the real URL is what the engine gets
    assert s.slack is not None and s.slack.bot_token.get_secret_value() == "xoxb-bot-sekrit"
    assert s.secret.get_secret_value() == SECRET


def test_run_with_a_bad_variable_prints_one_line_and_fails(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTWARD_QUIET_HOURS", "all night")  # the CLI reads os.environ
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err == ("outward: OUTWARD_QUIET_HOURS 'all night' is not a time window like "
                   "09:00-17:00 (or 'none')\n")


def test_a_misspelt_variable_is_named_with_the_one_meant() -> None:
    from bot.settings import unknown_variables

    env = {"OUTWARD_TIMEZOME": "America/Chicago", "OUTWARD_ORGANIZATION": "Harbor County",
           "OUTWARD_TIMEZONE": "UTC", "OUTWARD_BENCH_REPS": "3", "OUTWARD_SHARED_DATA": "/d",
           "OUTWARD_TEAMS_APP_NAME": "Outward", "PATH": "/bin", "OUTWARD_XYZZY": "1"}
    assert unknown_variables(env) == [
        "OUTWARD_ORGANIZATION is not a variable Outward reads; it is ignored (did you mean "
        "OUTWARD_ORGANISATION?)",
        "OUTWARD_TIMEZOME is not a variable Outward reads; it is ignored (did you mean "
        "OUTWARD_TIMEZONE?)",
        "OUTWARD_XYZZY is not a variable Outward reads; it is ignored"]


def test_every_variable_the_code_reads_is_known_to_the_misspelling_check() -> None:
    """Whatever reads an OUTWARD_* variable (settings, the Teams package, tests, benches) is
    listed, so its users are never told it is ignored."""
    import re
    from pathlib import Path

    from bot.settings import unknown_variables

    root = Path(__file__).resolve().parent.parent
    named = {m for folder in ("bot", "adapters", "conversations", "storage", "prompts", "tests",
                              "bench")
             for path in (root / folder).rglob("*.py")
             for m in re.findall(r"[\"'](OUTWARD_[A-Z0-9_]+)[\"']", path.read_text())}
    named -= {"OUTWARD_TIMEZOME", "OUTWARD_ORGANIZATION", "OUTWARD_XYZZY"}  # this file's
    assert len(named) > 20
    assert unknown_variables(dict.fromkeys(named, "x")) == []
