"""Pulse surveys: a round's questions answered one at a time in a person's 1:1 chat.

draft (the survey in progress, pure), render (its messages), flow (buttons, answers, typed
text), submit (finishing), invitations (who is asked until when, the outbox messages),
planner (what is due when, idempotently), admin and commands (`/pulse`)."""
