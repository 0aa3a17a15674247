"""English morphology for the rule planner, from lemminflect's dictionaries (no model
download, no hand-written plural rules): a noun's singular and plural, a verb's lemma and
past participle, and the verb a nominalization comes from (``completion`` -> ``complete``).

Words lemminflect does not know (``bbs``, ``skus``) are left as they are, unless they end
in ``s`` and are longer than three letters, where its out-of-vocabulary rules decide. The
same function reads the request and the project's names, so a model is found however
either spells the number.
"""

from __future__ import annotations

from functools import cache

from lemminflect import getAllInflections, getAllLemmas, getInflection, getLemma


@cache
def singular(word: str) -> str:
    """``categories`` -> ``category``, ``statuses`` -> ``status``, ``data`` -> ``data``."""
    if not word.isalpha():
        return word
    known = getAllLemmas(word).get("NOUN")
    if known:
        return str(known[0]) if word not in known else word
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return str(getLemma(word, "NOUN")[0])
    return word


@cache
def plural(word: str) -> str:
    """``category`` -> ``categories``, ``status`` -> ``statuses``, ``news`` -> ``news``."""
    if not word or not word.isalpha():
        return word
    found = getInflection(word, "NNS")
    return str(found[0]) if found else word + "s"


@cache
def verb_lemma(word: str) -> str:
    """``voting`` -> ``vote``, ``liked`` -> ``like``; the word itself when it is no verb."""
    if not word.isalpha():
        return word
    known = getAllLemmas(word).get("VERB")
    return str(known[0]) if known else word


@cache
def is_noun(word: str) -> bool:
    """Whether lemminflect's dictionary knows ``word`` as a noun (any number)."""
    return bool(getAllLemmas(word).get("NOUN"))


@cache
def is_adjective(word: str) -> bool:
    """Whether lemminflect knows ``word`` only as an adjective (``abusive``,
    ``helpful``): never a noun or a verb, so never a name or an action."""
    lemmas = getAllLemmas(word)
    return bool(lemmas.get("ADJ")) and not lemmas.get("NOUN") and not lemmas.get("VERB")


@cache
def is_verb(word: str) -> bool:
    return bool(getAllInflections(word, upos="VERB"))


@cache
def past_participle(verb: str) -> str:
    """``complete`` -> ``completed``, ``ship`` -> ``shipped``."""
    found = getInflection(verb, "VBN")
    return str(found[0]) if found else verb + "ed"


_NOMINAL_ENDINGS = (
    ("ification", ("ify",)),
    ("ization", ("ize",)),
    ("isation", ("ise",)),
    ("ation", ("ate", "", "e")),
    ("ition", ("ite", "")),
    ("ion", ("e", "")),
    ("al", ("e", "")),
    ("ment", ("",)),
    ("ure", ("",)),
)


@cache
def verb_of_nominal(noun: str) -> str | None:
    """The verb a nominalization names (``completion`` -> ``complete``, ``approval`` ->
    ``approve``, ``shipment`` -> ``ship``, ``publication`` -> None: not derivable), only
    when lemminflect knows the verb."""
    for ending, tails in _NOMINAL_ENDINGS:
        if noun.endswith(ending) and len(noun) > len(ending) + 2:
            stem = noun[: -len(ending)]
            stems = [stem]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])  # cancellation -> cancel
            for base in stems:
                for tail in tails:
                    if getAllInflections(base + tail, upos="VERB"):
                        return base + tail
    return None
