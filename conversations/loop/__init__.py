"""Closing the loop: after a round closes, the committee's commitments and a share-back of the
headline results go to everyone who was asked; staff read them with /results; status changes
are announced (at most weekly); the next round of the series asks whether progress is visible
(conversations.pulse.progress)."""
