"""Telling a verb from the words around it without a parser: a list and the regular endings."""

from __future__ import annotations

from verifiers.text.tokens import word_set

# Words that make a statement of a run of nouns: auxiliaries, modals and common verbs.
VERB_WORDS = word_set(
    """
    is are was were be been being am has have had having do does did will would shall should
    can could may might must isn't aren't wasn't weren't hasn't haven't hadn't don't doesn't
    didn't won't wouldn't can't couldn't shouldn't says said say told tells claims claimed
    beat beats won wins lost loses got gets made makes gave gives took takes paid pays hit hits
    cut cuts put puts set sets shut shuts ran runs rose rises fell falls grew grows sold sells
    bought buys found finds left leaves met meets kept keeps sent sends spent spends led leads
    began begins became becomes brought brings built builds came comes went goes saw sees
    knew knows thought thinks let lets quit quits hid hides stole steals wrote writes
    sued sues owed owes tied
    """
)


def is_verb(word: str) -> bool:
    """A word (case-folded) that is surely a verb: listed, or a regular past ("fined")."""
    return word in VERB_WORDS or (len(word) > 4 and word.endswith("ed"))


def may_be_verb(word: str) -> bool:
    """A word that may be a verb in the present or in progress ("earns", "closing")."""
    return len(word) > 3 and word.endswith(("s", "ing")) and not word.endswith("ss")


# Irregular pasts and participles, to their base form: "didn't fall" denies "fell".
_IRREGULAR = {
    past: base
    for base, forms in (
        ("fall", "fell fallen"), ("rise", "rose risen"), ("win", "won"), ("lose", "lost"),
        ("hold", "held"), ("keep", "kept"), ("sell", "sold"), ("buy", "bought"), ("pay", "paid"),
        ("tell", "told"), ("say", "said"), ("find", "found"), ("get", "got gotten"),
        ("give", "gave given"), ("take", "took taken"), ("make", "made"), ("run", "ran"),
        ("strike", "struck stricken"), ("stand", "stood"), ("bring", "brought"),
        ("think", "thought"), ("catch", "caught"), ("seek", "sought"), ("fight", "fought"),
        ("meet", "met"), ("lead", "led"), ("spend", "spent"), ("send", "sent"),
        ("build", "built"), ("drive", "drove driven"), ("write", "wrote written"),
        ("speak", "spoke spoken"), ("break", "broke broken"), ("choose", "chose chosen"),
        ("freeze", "froze frozen"), ("steal", "stole stolen"), ("begin", "began begun"),
        ("fly", "flew flown"), ("grow", "grew grown"), ("know", "knew known"),
        ("throw", "threw thrown"), ("draw", "drew drawn"), ("shake", "shook shaken"),
        ("leave", "left"), ("come", "came"), ("go", "went gone"), ("see", "saw seen"),
        ("become", "became"), ("hide", "hid hidden"), ("beat", "beaten"), ("feed", "fed"),
        ("mean", "meant"), ("sing", "sang sung"), ("wear", "wore worn"), ("swear", "swore sworn"),
        ("forget", "forgot forgotten"), ("withdraw", "withdrew withdrawn"),
        ("overtake", "overtook overtaken"), ("sink", "sank sunk"), ("shrink", "shrank shrunk"),
        ("bite", "bit bitten"), ("ride", "rode ridden"), ("lend", "lent"), ("sue", "sued"),
    )
    for past in forms.split()
}  # fmt: skip


def base_form(word: str) -> str:
    """An irregular verb's base form ("fell" → "fall", "won" → "win"); any other word as is."""
    return _IRREGULAR.get(word, word)


def is_past(word: str) -> bool:
    """A past tense or participle: regular ("signed") or irregular ("fell", "won")."""
    return word in _IRREGULAR or (len(word) > 4 and word.endswith("ed"))
