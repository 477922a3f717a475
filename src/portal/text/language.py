"""Detect the language of comments offline, with care for short English ("Super", "ok", "gr8").

The detector is py3langid (its model ships inside the package wheel; nothing is fetched). Before asking
it, two rules run:

* a text with no letters (only emoji, digits or punctuation) has no language: ``None``;
* a short Latin-script text (at most ``SHORT_WORDS`` words) whose words are all in the committed English
  word list (``models/english_words_v1.txt``) is English. Short texts are where statistical detectors
  guess wildly ("Ok" -> Ganda, "Best bank ever" -> Dutch); a text of up to ``MEDIUM_WORDS`` words with
  at least ``MEDIUM_SHARE`` of its words in the list is English too;
* a longer text with at least ``LONG_SHARE`` of its words in the list is English without asking the
  detector (this is also what keeps detection fast on large English imports).

Codes are ISO 639-1 (``"en"``, ``"es"``, ``"am"``, ...). The detector only chooses among languages that
have such a code and that people write today (Latin, Esperanto and Sanskrit are left out).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGUAGE_NAMES", "LanguageDetector", "detect_language", "english_words", "language_name"]

MODELS = Path(__file__).with_name("models")
ENGLISH_WORDS_FILE = MODELS / "english_words_v1.txt"
SHORT_WORDS = 3
MEDIUM_WORDS = 8
MEDIUM_SHARE = 0.75
LONG_SHARE = 0.9
MAX_CHARS = 400  # the detector reads at most this many characters of a comment
_EXCLUDED = frozenset({"la", "eo", "sa", "vo", "zxx"})

#: English names of the languages the detector chooses among (ISO 639-1 code -> name).
LANGUAGE_NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "an": "Aragonese", "ar": "Arabic", "as": "Assamese", "az": "Azerbaijani",
    "ba": "Bashkir", "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "dz": "Dzongkha", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish",
    "fo": "Faroese", "fr": "French", "fy": "Frisian", "ga": "Irish", "gd": "Scottish Gaelic", "gl": "Galician",
    "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "ht": "Haitian Creole",
    "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo", "is": "Icelandic", "it": "Italian",
    "ja": "Japanese", "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada",
    "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "lb": "Luxembourgish", "lg": "Ganda", "ln": "Lingala",
    "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy", "mk": "Macedonian", "ml": "Malayalam",
    "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese", "ne": "Nepali",
    "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian", "oc": "Occitan", "om": "Oromo", "or": "Odia",
    "pa": "Punjabi", "pl": "Polish", "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian",
    "ru": "Russian", "rw": "Kinyarwanda", "se": "Northern Sami", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian",
    "sn": "Shona", "so": "Somali", "sq": "Albanian", "sr": "Serbian", "st": "Sotho", "sv": "Swedish",
    "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tg": "Tajik", "th": "Thai", "tk": "Turkmen", "tl": "Tagalog",
    "tr": "Turkish", "tt": "Tatar", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek",
    "vi": "Vietnamese", "wa": "Walloon", "xh": "Xhosa", "yo": "Yoruba", "zh": "Chinese", "zu": "Zulu",
}


def language_name(code: object) -> str:
    """Return the English name of an ISO 639-1 code ("de" -> "German"; an unknown code is returned as given)."""
    text = str(code or "").strip()
    return LANGUAGE_NAMES.get(text.lower().replace("_", "-").split("-")[0], text or "unknown language")


# Links, e-mail addresses, handles, hashtags, numbers and codes mixing letters and digits ("adria4404");
# short mixes such as "gr8" or "b4" stay as words.
_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|@\w+|#\w+|\b(?=\w*\d)\w{5,}\b|\b\d+\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Return the committed English word list (lower case); raises OSError when the file is missing."""
    text = ENGLISH_WORDS_FILE.read_text(encoding="utf-8")
    return frozenset(w for w in text.split() if w)


def _is_latin(word: str) -> bool:
    """Return True when every letter of ``word`` is ASCII or Latin with accents (below U+0250)."""
    return all(ord(ch) < 0x250 for ch in word)


@dataclass(frozen=True)
class LanguageDetector:
    """py3langid restricted to living ISO 639-1 languages, plus the short-English rules."""

    identifier: object
    english: frozenset[str]

    @classmethod
    def load(cls) -> LanguageDetector:
        """Return a detector with the packaged models; raises OSError when a model file is missing."""
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
        langs = [c for c in dict.fromkeys(identifier.nb_classes) if len(c) == 2 and c not in _EXCLUDED]
        identifier.set_languages(langs)
        return cls(identifier, english_words())

    def detect(self, text: object) -> str | None:
        """Return the ISO 639-1 code of ``text``, or None when it is empty or has no letters."""
        if not isinstance(text, str):
            return None
        clean = _NOISE.sub(" ", text[: MAX_CHARS * 2])
        words = [w.replace("’", "'").lower() for w in _WORD.findall(clean) if not w.isdigit()]
        if not any(ch.isalpha() for w in words for ch in w):
            return None
        if not words:
            return None
        if all(_is_latin(w) for w in words):
            known = sum(w in self.english for w in words)
            if len(words) <= SHORT_WORDS and known == len(words):
                return "en"
            if SHORT_WORDS < len(words) <= MEDIUM_WORDS and known >= MEDIUM_SHARE * len(words):
                return "en"
            if len(words) > MEDIUM_WORDS and known >= LONG_SHARE * len(words):
                return "en"
        code, _ = self.identifier.classify(clean[:MAX_CHARS])  # type: ignore[attr-defined]
        return str(code)

    def detect_many(self, texts: Sequence[object]) -> list[str | None]:
        """Return one code (or None) per text, in order."""
        return [self.detect(t) for t in texts]


@lru_cache(maxsize=1)
def _default_detector() -> LanguageDetector:
    """Return the packaged detector, loaded once per process."""
    return LanguageDetector.load()


def detect_language(texts: Sequence[str]) -> list[str | None]:
    """Return the ISO 639-1 language of each text (None for empty text or text without letters)."""
    return _default_detector().detect_many(texts)
