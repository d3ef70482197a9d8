"""Speed of the default theming engine against TF-IDF + MiniBatchKMeans, in the same run.

Comments are generated deterministically from templates (topic phrases x openers x qualifiers x
closers), so they are varied but reproducible. For 10,000 and 100,000 comments (or the sizes
given) it prints Outward's time (themes, labels, sub-themes, representatives and sentiment
included), the baseline's (scikit-learn's TfidfVectorizer + MiniBatchKMeans, k=10, defaults;
no labels, sub-themes or sentiment) and the ratio. Goals: 10,000 comments in under 1.5 s (a
chair's /themes on 10k comments within 3 s end to end, cold); 100,000 under 30 s. The machine
is shared: read the ratio to the baseline of the same run as much as the seconds.

Run: python bench/themes_speed.py [N ...]
"""

from __future__ import annotations

import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage.themes import TfidfThemer  # noqa: E402

GOALS = {10_000: 1.5, 100_000: 30.0}

TOPICS: dict[str, list[str]] = {
    "workload": [
        "we are short staffed at the desk",
        "the workload keeps growing",
        "there is no coverage when someone calls in sick",
        "overtime is constant",
        "open shifts never get filled",
        "we cover two branches with one team",
    ],
    "training": [
        "the training on the new catalog was rushed",
        "we need more hands-on workshops",
        "onboarding for new pages is thin",
        "I want time for professional development",
        "the de-escalation course should be offered again",
        "webinars are at bad times",
    ],
    "parking": [
        "parking near the branch is impossible",
        "staff parking spaces were taken away",
        "the parking garage fee went up",
        "I circle for twenty minutes to find parking",
        "patrons take the staff parking lot",
        "the lot is unsafe after dark",
    ],
    "pay": [
        "pay has not kept up with rent",
        "the last raise was years ago",
        "part-time staff get no benefits",
        "our salary is below nearby counties",
        "the step increase was frozen",
        "health insurance costs keep rising",
    ],
    "management": [
        "my supervisor never checks in",
        "management does not listen to the front line",
        "decisions are made without asking us",
        "the director is hard to reach",
        "feedback only comes at review time",
        "leadership changes plans every month",
    ],
    "communication": [
        "we hear about changes from patrons first",
        "emails from admin are unclear",
        "the intranet is never updated",
        "meeting notes are not shared",
        "announcements come too late",
        "nobody explains why policies change",
    ],
    "safety": [
        "an aggressive patron threatened a coworker",
        "security is only there at night",
        "incident reports go nowhere",
        "we need a panic button at the desk",
        "the entrance feels unsafe in the evening",
        "police response takes too long",
    ],
    "facilities": [
        "the heating is broken again",
        "the public computers are very slow",
        "printers jam every day",
        "the wifi drops during programs",
        "the restrooms need repairs",
        "our chairs are falling apart",
    ],
    "belonging": [
        "staff of color do not feel heard",
        "microaggressions are not addressed",
        "I do not see people like me in leadership",
        "inclusion training felt like a box",
        "we need language access for patrons",
        "new staff are not made welcome",
    ],
    "community": [
        "outreach to schools has been great",
        "partners want more joint programs",
        "seniors love the tech help sessions",
        "the teen program needs a bigger room",
        "families ask for weekend story times",
        "tribal partners should be consulted",
    ],
}
OPENERS = [
    "",
    "Honestly, ",
    "I think ",
    "In my branch ",
    "Lately ",
    "As a page, ",
    "Again, ",
    "From the circulation desk: ",
    "This year ",
    "Frankly ",
]
QUALIFIERS = [
    "",
    " and it is getting worse",
    " which hurts morale",
    " and nobody seems to care",
    " and it affects patrons",
    " since the reorganisation",
    " most weeks",
    " at the main library",
    " on weekends",
    " during summer reading",
]
CLOSERS = [
    "",
    ".",
    "!",
    ". Please fix this.",
    ". Thanks for asking.",
    ". It matters.",
    ". We deserve better.",
    ". Just my two cents.",
]


def comments(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    topics = list(TOPICS)
    out: list[str] = []
    for i in range(n):
        topic = topics[i % len(topics)] if rng.random() < 0.9 else rng.choice(topics)
        phrase = rng.choice(TOPICS[topic])
        text = rng.choice(OPENERS) + phrase + rng.choice(QUALIFIERS) + rng.choice(CLOSERS)
        if rng.random() < 0.3:  # a second sentence from another topic
            other = rng.choice(TOPICS[rng.choice(topics)])
            text += " Also " + other + "."
        if rng.random() < 0.2:
            text += f" (shift {rng.randint(1, 40)}, week {rng.randint(1, 52)})"
        out.append(text[0].upper() + text[1:])
    return out


def baseline(texts: list[str]) -> float:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    t0 = time.perf_counter()
    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    MiniBatchKMeans(n_clusters=10, random_state=0).fit_predict(x)
    return time.perf_counter() - t0


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    TfidfThemer().theme(comments(300))  # imports and lexicons loaded once, as in a server
    lines = []
    for n in sizes:
        texts = comments(n)
        print(f"{n} comments, {len(set(texts))} distinct; e.g. {texts[0]!r}")
        themer = TfidfThemer()
        t0 = time.perf_counter()
        result = themer.theme(texts)
        elapsed = time.perf_counter() - t0
        base = baseline(texts)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
        print(f"themes: {themer.last_k} named")
        for theme in result.themes[:12]:
            print(f"  {len(theme.members):6d}  {theme.label}  sentiment={theme.sentiment}"
                  f"  sub: {', '.join(s.label for s in theme.subthemes)}")
        goal = GOALS.get(n)
        verdict = f"goal < {goal:.1f} s: {'PASS' if elapsed < goal else 'MISS'}" if goal else ""
        lines.append(f"{n:7d} comments: Outward {elapsed:6.2f} s, TF-IDF+MiniBatchKMeans "
                     f"{base:6.2f} s, ratio {elapsed / base:5.1f}x, diff {elapsed - base:+6.2f} s;"
                     f" peak RSS {peak_mib:.0f} MiB  {verdict}")
        print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
