"""Text normalisation shared by retrieval, reranking and stance.

Spoofed or transliterated spellings must meet the stored claim's spelling: NFKC folds
full-width and mathematical letters, but keeps zero-width/bidi controls (category Cf) and
Cyrillic or Greek look-alikes, so those are handled here. Nothing in this module uses a
regular expression with nested quantifiers: every pass is linear in the input length.
"""

from __future__ import annotations

import unicodedata

# Look-alike letters folded when they appear inside a word written mostly in Latin letters,
# or in a word made only of look-alikes (a spoof such as "Рutіn" or "раураl").
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ց": "g",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ї": "I", "Ј": "J", "Ѕ": "S", "Һ": "H",
    "Ӏ": "I",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y", "ω": "w",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin and other look-alikes NFKC leaves alone
    "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʏ": "y", "օ": "o", "ս": "u", "ℓ": "l",
}  # fmt: skip

# Lower-case letters that look like small capitals ("в", "к", "м", "н", "т") fool nobody, so a
# word of Cyrillic or Greek letters counts as a spoof only if all its letters are in this set.
_CONVINCING = frozenset("аеорсухіјѕԁԛԝһӏαοριυχ") | {ch for ch in _HOMOGLYPHS if ch.isupper()}

# Whole words in Cyrillic or Greek are transliterated (BGN/PCGN-style, lower case), so that
# "Зеленский" becomes "zelenskiy" and meets "Zelenskiy"/"Zelenskyy" by fuzzy matching.
_CYRILLIC: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "є": "ye",
    "і": "i", "ї": "yi", "ґ": "g",
}  # fmt: skip
_GREEK: dict[str, str] = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip


def cap(text: str, max_chars: int) -> str:
    """Truncate before any other work, so a huge paste costs no more than a small one."""
    return text[:max_chars]


def _strip_format(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if ch.isascii():
        return "latin"
    return "other"


def _transliterate(word: str, table: dict[str, str]) -> str:
    out: list[str] = []
    for ch in word:
        low = ch.lower()
        mapped = table.get(low)
        if mapped is None:
            out.append(ch)
        elif ch != low and mapped:
            out.append(mapped[0].upper() + mapped[1:])
        else:
            out.append(mapped)
    return "".join(out)


def _fold_word(word: str) -> str:
    scripts = {_script(ch) for ch in word}
    foreign = scripts & {"cyrillic", "greek"}
    if not foreign:
        return word
    all_lookalike = all(ch in _CONVINCING for ch in word)
    if "latin" in scripts or all_lookalike:
        return "".join(_HOMOGLYPHS.get(ch, ch) for ch in word)
    if foreign == {"cyrillic"}:
        return _transliterate(word, _CYRILLIC)
    if foreign == {"greek"}:
        bare = "".join(
            ch for ch in unicodedata.normalize("NFD", word) if unicodedata.category(ch) != "Mn"
        )
        return _transliterate(bare, _GREEK)
    return word


def _fold_words(text: str) -> str:
    """Fold look-alikes word by word: mixing scripts inside one word is what a spoof looks like."""
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch.isalpha() or (word and unicodedata.category(ch) == "Mn"):
            word.append(ch)
            continue
        if word:
            out.append(_fold_word("".join(word)))
            word = []
        out.append(_HOMOGLYPHS.get(ch, ch))
    if word:
        out.append(_fold_word("".join(word)))
    return "".join(out)


def _strip_latin_accents(text: str) -> str:
    """Drop accents on Latin letters only (as the FTS tokenizer does); other scripts keep theirs."""
    decomposed = unicodedata.normalize("NFD", text)
    out: list[str] = []
    base_is_latin = False
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn":
            if base_is_latin:
                continue
        else:
            base_is_latin = ch.isascii()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def clean(text: str) -> str:
    """NFKC, no format characters, look-alikes folded, accents dropped; case kept.

    Case is kept because stance detection uses capitals to find names.
    """
    if text.isascii():  # nothing below changes ASCII; most claims are, and this is hot
        return text
    text = unicodedata.normalize("NFKC", text)
    text = _strip_format(text)
    text = _fold_words(text)
    text = _strip_latin_accents(text)
    return text.replace("\u2019", "'").replace("\u2018", "'")


def normalize(text: str) -> str:
    """`clean` and case-fold: the form every lexical comparison uses."""
    return clean(text).casefold()
