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


# Irregular forms, so that "sold" meets "selling" and "fell" meets "fall".
_LEMMAS = {
    "sold": "sell", "bought": "buy", "won": "win", "lost": "lose", "fell": "fall",
    "fallen": "fall", "went": "go", "gone": "go", "took": "take", "taken": "take",
    "beaten": "beat", "paid": "pay", "told": "tell", "left": "leave", "led": "lead",
    "lent": "lend", "gave": "give", "given": "give", "stole": "steal", "stolen": "steal",
    "sued": "sue", "rose": "rise", "risen": "rise", "grew": "grow", "grown": "grow",
    "ran": "run", "began": "begin", "begun": "begin", "hid": "hide", "hidden": "hide",
    "wrote": "write", "written": "write", "built": "build", "brought": "bring",
    "caught": "catch", "struck": "strike", "spent": "spend", "sent": "send", "met": "meet",
}  # fmt: skip


def lemma(word: str) -> str:
    """The plain form of an irregular verb ("sold": "sell"); other words as they are."""
    return _LEMMAS.get(word, word)
