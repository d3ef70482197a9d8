"""The largest realistic messages Outward sends, built with the real core: a round of a series
with 15 rating statements (each with a "Since" line) and 6 open questions with several themes
each, 10 commitments with notes carried over to the next round, the chair's `/themes`, the report
link, the staff share-back preview and `/results`, in English and Spanish."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from adapters.console.adapter import address_for
from bot.bootstrap import Core
from bot.clock import FakeClock
from conversations.events import CommandInvoked
from conversations.messages import Message
from tests.results_support import organisation
from tests.rounds_data import BRANCHES, CLASSES, _comment
from tests.rounds_data import store as store_round
from tests.support import Console

ROUND, NEXT = "big-tour", "big-tour-2"
PEOPLE = 80

# (en, es) statements a county equity survey asks, as long as real ones are
RATINGS = [
    ("I have enough time during my paid hours to take part in equity and anti-racism training",
     "Tengo suficiente tiempo durante mis horas pagadas para participar en capacitaciones "
     "sobre equidad y antirracismo"),
    ("I feel safe raising concerns about bias or racism with my supervisor or manager",
     "Me siento seguro o segura al plantear inquietudes sobre prejuicios o racismo ante mi "
     "supervisor o gerente"),
    ("I believe leadership will act on what staff say in this listening tour this year",
     "Creo que la dirección actuará este año según lo que diga el personal en esta gira de "
     "escucha"),
    ("Hiring and promotion decisions at my branch are fair to people of every background",
     "Las decisiones de contratación y ascenso en mi sucursal son justas con personas de "
     "todos los orígenes"),
    ("Patrons who speak languages other than English get the same quality of service",
     "El público que habla otros idiomas además del inglés recibe la misma calidad de "
     "servicio"),
    ("My workload leaves room to build relationships with community partners and groups",
     "Mi carga de trabajo deja espacio para crear relaciones con socios y grupos de la "
     "comunidad"),
    ("I know where to report a microaggression or an incident of discrimination at work",
     "Sé dónde denunciar una microagresión o un incidente de discriminación en el trabajo"),
    ("Reports of discrimination are handled promptly, fairly and confidentially here",
     "Aquí las denuncias de discriminación se tramitan con rapidez, justicia y "
     "confidencialidad"),
    ("Our collections and displays reflect the communities our branches serve today",
     "Nuestras colecciones y exhibiciones reflejan a las comunidades a las que sirven hoy "
     "nuestras sucursales"),
    ("Staff of colour have the same chances to lead projects and be mentored as others",
     "El personal de color tiene las mismas oportunidades de dirigir proyectos y recibir "
     "mentoría que los demás"),
    ("Part-time and on-call staff are included in training, meetings and decisions",
     "El personal a tiempo parcial y de guardia participa en capacitaciones, reuniones y "
     "decisiones"),
    ("Security and behaviour policies are applied the same way to every patron",
     "Las políticas de seguridad y de conducta se aplican de la misma manera a todo el "
     "público"),
    ("I can take part in equity work without it counting against my other duties",
     "Puedo participar en el trabajo de equidad sin que cuente en contra de mis otras "
     "tareas"),
    ("The equity committee shares what it learns and does in a way I can follow",
     "El comité de equidad comparte lo que aprende y hace de una manera que puedo seguir"),
    ("I would recommend this library system as a fair place to work to a friend",
     "Recomendaría este sistema de bibliotecas a una amistad como un lugar de trabajo justo"),
]
# open question id -> the realistic comments of tests/rounds_data.py it draws from
OPEN = {"strengths": "strengths", "barriers": "barriers", "opportunities": "opportunities",
        "worries": "worries", "time-why": "training-time.why", "safety-why": "safe-to-raise.why"}
COMMITMENTS = [
    "Paid time for equity training for every staff member, part-time and on-call included",
    "Interpreters for story times and programs in Spanish and Vietnamese by March",
    "A confidential way to report bias incidents, answered within ten working days",
    "Mentoring for pages and library assistants who want to become librarians",
    "Review the security and behaviour policy with community partners and staff",
    "Hiring panels with at least two trained members and shared interview questions",
    "Translate the website, signage and library card forms into the top five languages",
    "Quarterly updates from the equity committee to all staff, in person and in writing",
    "Collection audit of the children's and teen collections for diverse authors",
    "Time in the schedule for outreach with tribal partners and immigrant groups",
]
NOTE = ("Budget approved by the board in January; the first two branches start next month, "
        "the rest after the summer reading programme ends")


def _definition() -> str:
    lines = ["id: big-tour", "title:", "  en: Equity listening tour of every branch",
             "  es: Gira de escucha sobre equidad en todas las sucursales",
             "languages: [en, es]", "owner:", "  en: the Equity Committee",
             "  es: el Comité de Equidad", "audience: {}", "questions:"]
    for qid in OPEN:
        lines += [f"  - id: {qid}", "    kind: open", "    text:",
                  f"      en: \"What would you tell the committee about {qid}?\"",
                  f"      es: \"¿Qué le diría al comité sobre {qid}?\""]
    for i, (en, es) in enumerate(RATINGS):
        lines += [f"  - id: r{i + 1}", "    kind: rating", "    text:", f"      en: \"{en}.\"",
                  f"      es: \"{es}.\"", "    scale:",
                  "      en: [Strongly disagree, Strongly agree]",
                  "      es: [Muy en desacuerdo, Muy de acuerdo]"]
    return "\n".join(lines) + "\n"


def content_dir(tmp: Path) -> Path:
    folder = tmp / "content" / "rounds"
    folder.mkdir(parents=True)
    (folder / "big-tour.yaml").write_text(_definition(), "utf-8")
    return tmp / "content"


def _submissions(n: int, seed: int, progress: Sequence[str] = ()
                 ) -> list[tuple[dict[str, str], list[tuple[str, str, str | None]]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        segments = {"branch": rng.choice(BRANCHES), "classification": rng.choice(CLASSES),
                    "employment": "FT" if rng.random() < 0.65 else "PT"}
        answers: list[tuple[str, str, str | None]] = [
            (qid, "", _comment(rng, source)) for qid, source in OPEN.items()
            if rng.random() < 0.85]
        mood = rng.gauss(0, 1)
        for i in range(len(RATINGS)):
            score = max(1, min(5, round(3 + mood + rng.gauss(0, 1))))
            answers.append((f"r{i + 1}", str(score), None))
        for qid in progress:
            answers.append((qid, str(rng.randint(1, 5)), None))
        out.append((segments, answers))
    return out


async def _answered(app: Core, clock: FakeClock, round_id: str, start: str, seed: int) -> None:
    console = Console(app, clock)
    out = await console.say(":as amara", start)
    assert "started" in out.lower() or "open" in out.lower(), out
    async with app.deps.uow() as tx:
        rnd = await tx.rounds.get(round_id)
        assert rnd is not None and rnd.opened_on is not None
        progress = [str(q["id"]) for q in await tx.rounds.questions(round_id)
                    if str(q.get("id", "")).startswith("progress-")]
        people = [p.id for p in await tx.people.all() if p.handle.startswith("s")]
        await store_round(tx, round_id, rnd.opened_on.isoformat(), people,
                          _submissions(len(people) - 6, seed, progress), rnd.opened_on)
        await tx.commit()
    out = await console.say(f"/pulse close {round_id}")
    assert "closed" in out.lower(), out


async def big_series(clock: FakeClock, tmp: Path) -> Core:
    """big-tour, then big-tour-2 a week later: each answered by 74 of 80 staff; big-tour's ten
    commitments (each started, with a long note) asked about in big-tour-2 and carried over
    to it, with notes again; both shared."""
    app = await organisation(clock, PEOPLE, env={"OUTWARD_CONTENT_DIR": str(content_dir(tmp))})
    console = Console(app, clock)
    await _answered(app, clock, ROUND, f"/pulse start {ROUND}", 21)
    await console.say(":as jordan")
    for n, text in enumerate(COMMITMENTS, 1):
        out = await console.say(f"/pulse commit {ROUND} {text}",
                                f"/pulse commit {ROUND} {n} started {NOTE}")
        assert "started" in out, out
    await console.say(f"/pulse share {ROUND} send", ":clock +7d")
    await _answered(app, clock, NEXT, f"/pulse start {ROUND} as {NEXT}", 22)
    await console.say(":as jordan")
    for n in range(1, len(COMMITMENTS) + 1):
        out = await console.say(f"/pulse commit {NEXT} carry {n}")
        assert "carr" in out.lower() or "llev" in out.lower(), out
    for n in range(1, len(COMMITMENTS) + 1):
        await console.say(f"/pulse commit {NEXT} {n} started {NOTE} (carried over)")
    return app


async def said(app: Core, handle: str, command: str, args: str) -> list[Message]:
    """The core's reply to a command, as the neutral messages an adapter renders."""
    return list(await app.router(CommandInvoked(address_for(handle), command, args)))
