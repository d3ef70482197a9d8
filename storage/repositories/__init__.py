"""The SQL repositories, one module each, all over one AsyncSession (see storage.uow).

They satisfy the core's repository protocols (conversations.ports) structurally: the core
never imports them, and they never import the core."""

from storage.repositories.commitments import Commitments
from storage.repositories.enrolments import Enrolments
from storage.repositories.heartbeats import Heartbeats
from storage.repositories.identities import Identities
from storage.repositories.marks import Marks
from storage.repositories.mentorship import Mentorship
from storage.repositories.outbox import Outbox
from storage.repositories.participation import Participations
from storage.repositories.people import People
from storage.repositories.responses import Responses
from storage.repositories.rounds import Rounds
from storage.repositories.sharebacks import ShareBacks
from storage.repositories.states import States
from storage.repositories.views import Views

__all__ = [
    "Commitments", "Enrolments", "Heartbeats", "Identities", "Marks", "Mentorship", "Outbox",
    "Participations", "People", "Responses", "Rounds", "ShareBacks", "States", "Views",
]
