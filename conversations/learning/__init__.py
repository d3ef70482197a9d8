"""Learning nudges: self-paced tracks delivered one step at a time through the clock and outbox.

Rules: steps arrive on the track's cadence, in the person's own time zone and working hours; a
person gets at most one nudge a day (one outbox key per person and local day, across tracks) and
none while a survey is in progress for them or was sent to them that day (a port the composition
root passes in: learning does not know about surveys). Reflections are optional, scrubbed, and
stored like survey answers (no person, no time, and no step: a step is sent to few people, so it
would name them) in a round per track (`learn-<track>`), held with a keyed author tag until
max(k, k_comments) different people have reflected, so they reach `/themes` with the same
thresholds. That a person reflected on a step is remembered only as a keyed-hash mark
(conversations.keyed), never per person.

render (the nudge), commands (`/learn`), buttons (done, snooze, skip, stop, reflect),
reflections, planner, stats."""
