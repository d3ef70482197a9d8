"""Mentorship programmes in chat: cohorts, matching, check-ins, milestones and liaison escalation.

Pure rules: matching, cadence (read from the programme's definition; the dates themselves are
computed in conversations.schedule), escalation, csvimport. In chat: commands (`/mentor ...`,
dispatching to admin, pairing, members, history, liaison and stats), checkins (the `mentor:`
buttons and the note for the liaison), render (outbox messages) and planner.

Visibility: a mentor or mentee sees their own pair's history (their own answers in full, their
partner's "met" and topic only); a liaison sees the pairs they support, including who asked for
help and the note they chose to share; programme leads (admins and the programme's lead) see
cohort aggregates, under the anonymity thresholds (conversations.results.thresholds); nobody
else sees anything.

End-of-programme feedback (`/mentor feedback COHORT`) is a pulse round whose audience is the
cohort's members; mentorship starts it through a port the composition root passes in."""
