"""The understanding pipeline's stages (planning/rules/understand/) and its invariants.

The corpus (tests/unit/test_request_corpus.py) holds the pipeline to what requests mean;
this file pins the stages a reader can check by eye (morphology, the details read out of
the words, the intent wherever its cue stands) and, with hypothesis, what must hold for any
sentence made of the words users type: the planner answers with a plan or one refusal,
never a crash; a plan applies, validates and migrates a database with rows (new fields on
existing models nullable or defaulted); and words the project does not know never become
a name unless they stand where a new name goes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules import NothingToDo, RulePlanner
from autobe_core.planning.rules.morphology import (
    past_participle,
    plural,
    singular,
    verb_of_nominal,
)
from autobe_core.planning.rules.understand.reading import read
from autobe_core.schema.migration import plan_migration
from autobe_core.spec import check
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import ProjectSpec

ROOT = Path(__file__).resolve().parents[2]
SPECS = {name: load_spec(ROOT / "fixtures" / f"{name}.yaml") for name in ("todo", "bbs")}
PLANNER = RulePlanner()


@pytest.mark.parametrize(
    ("word", "one", "many"),
    [
        ("categories", "category", "categories"),
        ("statuses", "status", "statuses"),
        ("replies", "reply", "replies"),
        ("wishes", "wish", "wishes"),
        ("news", "news", "news"),
        ("todos", "todo", "todos"),
    ],
)
def test_number_comes_from_the_dictionary(word: str, one: str, many: str) -> None:
    assert singular(word) == one
    assert plural(one) == many


def test_nominalizations_name_their_event() -> None:
    assert [verb_of_nominal(w) for w in ("completion", "approval", "cancellation")] == [
        "complete",
        "approve",
        "cancel",
    ]
    assert verb_of_nominal("publication") is None  # not derivable: left as a word
    assert past_participle("ship") == "shipped"


@pytest.mark.parametrize(
    ("text", "values", "minimum", "maximum", "default"),
    [
        ("add a status to orders with values new, paid and shipped", ["new", "paid", "shipped"],
         None, None, None),
        ("add a size that can be small, medium or large", ["small", "medium", "large"], None,
         None, None),
        ("add status open/closed to lists", ["open", "closed"], None, None, None),
        ("reviews get a rating from 1 to 5", None, 1.0, 5.0, None),
        ("a score between 0 and 10", None, 0.0, 10.0, None),
        ("a stock of at least 0", None, 0.0, None, None),
        ("a priority defaulting to 3", None, None, None, "3"),
    ],
)
def test_details_in_words_are_read_out_of_the_words(
    text: str,
    values: list[str] | None,
    minimum: float | None,
    maximum: float | None,
    default: str | None,
) -> None:
    reading = read(text)
    d = reading.details
    assert (d.values, d.minimum, d.maximum, d.default) == (values, minimum, maximum, default)
    for value in values or []:  # never left to be read as a model or a field
        assert value not in [w.text for w in reading.words]


def test_symbols_are_never_read_past() -> None:
    with pytest.raises(NotUnderstood, match=r"do(?:es)? not read"):
        read("add a note; drop table items to lists")


@pytest.mark.parametrize(
    "phrasings",
    [
        (
            "members can no longer delete articles",
            "take away the ability of members to delete articles",
            "members should not be able to delete articles",
        ),
        (
            "let members bookmark articles",
            "members should be able to bookmark articles",
            "articles should be bookmarkable by members",
        ),
    ],
)
def test_the_intent_is_found_wherever_its_cue_stands(phrasings: tuple[str, ...]) -> None:
    plans = []
    for text in phrasings:
        try:
            plans.append(PLANNER.plan(SPECS["bbs"], text).changeset.edits)
        except NotUnderstood:
            plans.append(None)
    understood = [p for p in plans if p is not None]
    assert len(understood) >= 2, phrasings
    assert all(p == understood[0] for p in understood)


# --------------------------------------------------------------------------- invariants

JUNK = ("zorp", "blick", "quux")
VOCABULARY = (
    "add", "remove", "rename", "let", "allow", "can", "should", "be", "able", "to", "not",
    "no longer", "only", "make", "unique", "optional", "track", "record", "when", "who",
    "members", "users", "admins", "anyone", "articles", "comments", "items", "lists",
    "labels", "tags", "votes", "likes", "pictures", "a", "the", "their", "every", "table",
    "each", "row", "with values", "from 1 to 5", "title", "due date", "completion timestamp",
    "delete", "edit", "read", "upload", "follow", "each other", "report", "called", "into",
    "for", "of", "on", "role", *JUNK,
)


def _new_names(before: ProjectSpec, after: ProjectSpec) -> set[str]:
    names = {m.name for m in after.models} - {m.name for m in before.models}
    names |= {a.name for a in after.actors} - {a.name for a in before.actors}
    for model in after.models:
        old = before.model(model.name)
        have = set(old.field_names()) if old is not None else set()
        names |= set(model.field_names()) - have
    return names


@pytest.mark.parametrize("fixture", ["todo", "bbs"])
@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=9))
def test_any_sentence_is_a_plan_that_fits_or_one_refusal(fixture: str, words: list[str]) -> None:
    spec = SPECS[fixture]
    text = " ".join(words)
    try:
        plan = PLANNER.plan(spec, text)
    except (NotUnderstood, NothingToDo) as refused:
        assert refused.message.strip() and "\n" not in refused.message.strip()
        return
    assert not check(spec, plan.changeset)
    after = apply(spec, plan.changeset)
    migration = plan_migration(spec, plan.changeset)
    assert not migration.diagnostics, (text, [d.message for d in migration.diagnostics])
    slots = ("to", "for", "on", "of", "into", "from")
    for name in _new_names(spec, after):
        for junk in JUNK:
            if junk not in name.split("_"):
                continue
            # an unknown word names something new only from a new name's own slot, never
            # from where a model is named ("add comments to zorp")
            places = [i for i, w in enumerate(words) if w == junk]
            assert any(i == 0 or words[i - 1] not in slots for i in places), (text, name)
