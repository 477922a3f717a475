"""Which comments ask for something new or changed (a request), with rules over the sentence's form only.

A comment is a request when one of its sentences asks for something that is not there, or not like this:
"please add Apple Pay", "I wish it came in petite", "would be great if I could freeze my card", "bring back
the old design", "why can't I export my statement?", "needs a dark mode", "you should offer a family plan".
A report that something is broken is a problem, not a request: "please fix the crash", "it doesn't work
since the update, sort it out", "I hope you fix this soon". A sentence whose only ask is to fix, solve,
repair or make something work again is dropped before a comment is judged; "please fix the login and add
Face ID" stays a request (it also asks for Face ID).

Nothing is learned: the cues are the forms a request takes in any domain (wishes, polite imperatives of
adding, "would be nice if", "should have", "option to", questions about what one cannot do), in English
and, more thinly, Spanish, Italian, French, German, Dutch and Portuguese. ``is_request`` over 100,000
comments takes a few seconds, so the flag is computed when figures are read (see ``benchmarks/``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

__all__ = ["frame_requests", "is_request", "request_flags", "request_spans"]

# Things one asks the company to do that are not a request for something new: getting a fault mended.
_REPAIR = (r"(?:fix|fixed|fixing|solve|resolve|repair|sort(?:ed)? (?:it|this|that|out)|sort out|look into|"
           r"check|investigate|correct|restore|debug|help|respond|reply|answer|refund|return my|call me|"
           r"contact me|get back to me|stop (?:crash|freez|logg)\w*|make (?:it|this|the app) work|work(?:s|ing)? "
           r"(?:again|properly)|arreglen|arreglad|risolv\w+|sistemate|corrigez|réparez|repariert|"
           r"behebt|beheben|oplossen|corrigir|consertem)")
# A verb of adding or changing after an ask ("please add", "can you bring back", "they should offer").
_ADD = (r"(?:add|adding|bring(?:ing)? back|bring down|re-?introduce|introduce|include|implement|integrate|offer|"
        r"provide|allow|let|enable|support|give (?:us|me|users|customers|the option|an option)|make (?:it|them|"
        r"this|the|a|an|more|smaller|bigger|longer)|create|develop|launch|put|consider|change|extend|expand|"
        r"increase|lower|reduce|improve|rebuild|redesign|present|show|display|update (?:the|it) ?(?:to|with)|"
        r"release|design|go back|revert|roll back)")
_NICE = (r"(?:great|nice|good|awesome|helpful|better|useful|cool|lovely|handy|amazing|ideal|perfect|fantastic|"
         r"brilliant|wonderful|convenient|beneficial|excellent)")
_CLAUSE = r"[^.!?\n]"
# (substrings one of which the lower-cased text must contain, pattern): a pattern only runs when its
# substrings are there, which keeps 100,000 comments to a few seconds.
_RULES: list[tuple[tuple[str, ...], str]] = [
    # wishes (not a regret about oneself, a greeting or the wish to give no stars)
    (("wish",), r"\bwish(?:es|ed)?\b(?! (?:i|we) (?:had|hadn'?t|did|didn'?t|could give|could rate|would have|"
                r"was|were|knew|read|bought|ordered|never|got|went|chose|looked|tried|checked|stayed|listened)\b)"
                r"(?! (?:you|u) (?:all|a|the best|luck|success|happy|good|well)\b)(?! (?:there|it) (?:was|were) "
                r"(?:zero|0|no|negative|less than))"),
    (("if only",), r"\bif only\b"),
    (("would", "'d"), rf"(?:'d|\bwould)(?: really| also| definitely| even)? (?:be (?:really |very |so |even |much |"
                      rf"a lot |super |a |an |a really |a very )?{_NICE}(?! on (?:me|you|her|him|someone|anyone|"
                      rf"most|some))(?! (?:to (?:know|hear|see if|understand)))|help(?! me (?:to )?decide)|go a "
                      rf"long way)\b"),
    (("would", "'d"), r"\b(?:i|we)(?:'d| would) (?:have )?(?:really |also |so |much |definitely )?(?:love|like|"
                      r"appreciate|prefer)\b(?! (?:it|this) (?:if you fixed|fixed))(?! to (?:praise|thank|say|share|"
                      r"mention|point out|add that|query|know|complain|report|warn|express|tell|give|recommend|"
                      r"commend|think|hear|speak|talk|ask))(?! you to)(?<!as i would like)(?<!as we would like)"
                      r"(?<!as i'd like)|\bwould (?:love|like) to (?:see|have|be able)\b|\bwould (?:love|appreciate) "
                      r"(?:it )?if\b"),
    (("want", "need"), r"\b(?:i|we) (?:really |would |just |also )?(?:want|need)(?: also)? (?:an? |the |some )?"
                       r"(?:option|ability|feature|way|button|setting|possibility|\w+ (?:that|which|with|where))\b"),
    (("hope",), r"\bhope(?:fully)?\b(?:(?: that)? (?:you|they|u|the (?:company|developers?|devs?|team|bank)))?"
                r"(?: (?:will|would|can|could|guys|soon|eventually|consider|do|in the future))* (?:add|bring|"
                r"introduce|include|make|offer|allow|let|implement|consider|release|start|give|change|expand|"
                r"extend|enable|support)\b"),
    (("hope",), rf"\bhope{_CLAUSE}{{0,40}}\b(?:will be (?:available|added|possible|introduced|back)|"
                rf"(?:is|are) (?:added|coming|introduced))\b"),
    (("wait",), rf"\bcan(?:'t|not) wait (?:for|until) (?:you|they|the){_CLAUSE}{{0,40}}\b(?:add|introduce|launch|"
                rf"release|bring)"),
    (("forward",), r"\blooking forward to (?:the|a|an|more|new)\b(?! (?:hearing|response|reply|refund))"),
    # polite and direct asks of adding or changing
    (("please", "pls", "plz", "kindly"), rf"\b(?:please|pls|plz|kindly)[,!]* (?:(?:do|just|kindly|also|consider|"
                                         rf"can you|could you|u|you|guys)[,]? )*{_ADD}\b|\b(?:please|pls|plz|kindly)\b{_CLAUSE}{{0,40}}\b(?:and|also) "
     rf"(?:please )?(?:add|bring back|include|introduce|implement|offer)\b"),
    (("can", "could", "would", "will", "why don"),
     rf"(?<!how )\b(?:can|could|would|will|why don'?t) (?:you|u|they|we|(?:the )?(?:devs?|developers|team|bank|"
     rf"app|company))(?: guys| please| pls| maybe| not)* {_ADD}\b"),
    (("can", "could", "may"), r"\b(?:can|could|may) (?:we|i) (?:please )?(?:have|get|see|be able)\b"),
    (("should", "must", "ought", "need"),
     rf"\b(?:should|must|ought to|needs? to)(?: really| definitely| also| seriously| consider| start to| at least)?"
     rf" (?:{_ADD}|be able|get rid|stop charging|bring|put|update the)\b"),
    (("should", "could"), r"\b(?:should|could)(?:'ve| have)? (?:been |have |be |extend |offer |include |use |"
                          r"do with )(?:a (?:bit|little|lot) |slightly |much |far |way |even )?(?:more|bigger|"
                          r"larger|wider|longer|cheaper|lower|less expensive)\b"),
    (("should",), r"\bshould (?:have|be able|include|come with|come in|allow|let|offer|add|make|give|provide)\b"
                  r"(?! been)(?! (?:known|checked|read|looked|listened|gone|stayed|bought|returned|ordered|"
                  r"realised|realized|taken|got|used|booked|avoided|flown))"),
    (("add", "bring", "allow", "let", "give", "introduce", "include", "implement", "make", "enable", "offer",
      "provide", "integrate", "support", "remove", "rid", "change", "extend", "expand", "keep", "go back", "revert",
      "roll back"),
     # "offer" and "support" are left out: at the start of a sentence they are mostly nouns ("Support team rocks").
     r"(?:(?<=^)|(?<=[.!?\n] )|(?<=[.!?\n])|(?<=please )|(?<=please, ))(?:add|bring back|allow|let (?:me|us|users)|"
     r"give us|introduce|include|implement|make it possible|enable|provide|integrate|remove the|"
     r"get rid|change the|extend|expand|keep it (?:simple|like|as)|go back to|revert|roll back|put back)\b"),
    (("back",), r"\b(?:bring(?:ing)?|put|change it|roll(?:ed)?) back\b"),
    (("need",), r"\bneeds?\s+(?<!\bi need )(?<!you need )(?<!\bwe need )(?<!they need )(?!(?:some |more |a lot of |"
                r"a little |an? |serious |major |much )*(?:attention|improvement|improvements|work|update|updates|"
                r"fixing|fixes|care|effort|time|help|fix|refund)\b)(?:an? |some |more |the option|the ability|"
                r"support for|to (?:add|have|include|offer|allow|bring|introduce|support|be able))"),
    (("lack", "missing"), r"\b(?:lack of|lacks?|lacking|missing|is missing|are missing) (?:an? |the |any )?(?:[\w-]+ )?"
                          r"(?:support|options?|ability|possibility|features?|integration|setting|mode|button)\b"),
    (("lack", "missing"), r"\bthings? (?:that )?(?:it |the app |this app )?(?:lacks|is missing|are missing|missing)\b"),
    (("option", "abilit", "possib", "feature", "way", "setting"),
     r"\b(?:no|not|without|doesn'?t have|does not have|don'?t have|do not have|isn'?t|is not|there'?s no|there is no"
     r"|lacks?|lack of) (?:an? |any |the )?(?:option|ability|possibility|way|setting|feature) (?:to|for|of)\b"),
    (("option", "abilit", "possib", "feature", "setting"),
     rf"\b(?:would be|please|need|want|wish|missing|lacks?|hope|add|like|love)\b{_CLAUSE}{{0,40}}\b(?:option|"
     rf"ability|possibility|feature) (?:to|for|of)\b"),
    (("request",), r"\b(?:feature|function) request\b"),
    (("suggest",), r"\b(?:my |a |one )?suggestions?\b(?: (?:is|would be|for|to)|:| -)|\bsuggest (?:adding|that "
                   r"(?:you|they) (?:add|make|offer|introduce|include|bring))"),
    (("only", "one"), r"\b(?:only|one) (?:thing|feature|improvement)(?: that(?:'s| is))? (?:missing|lacking|"
                      r"i(?:'d| would) (?:change|add|like to (?:see|have|add|change))|to improve|it needs)\b"),
    (("only",), rf"\bonly (?:thing|downside|complaint|issue|problem|con|negative|gripe|improvement)\b{_CLAUSE}{{0,40}}"
                rf"\b(?:wish|would be|there(?:'s| is) no|no option|lack|missing|doesn'?t have|don'?t have)\b"),
    # questions about what one cannot do, or why something was taken away
    (("why",), r"\bwhy (?:can'?t|cannot|can not|won'?t (?:you|they)|don'?t (?:you|they)|doesn'?t (?:it|the app) "
               r"(?:have|support|allow|let|offer)|isn'?t there|is there no|are there no|no|not (?:have|add|offer|"
               r"allow|make|let|give|include|introduce|bring)|is it not possible|there is no|there's no|do(?:n'?t)? "
               r"you not|aren'?t there)\b(?! (?:it|this|the app) (?:work|load|open))"),
    (("why",), rf"\bwhy\b{_CLAUSE}{{0,25}}\b(?:remov\w+|took away|taken away|got rid|disabl\w+|discontinu\w+|"
               rf"force\w*|stopp\w+ (?:offering|allowing|supporting)|take away)"),
    (("when",), rf"\bwhen (?:will|are|is) (?:you|they|we|it|there){_CLAUSE}{{0,30}}\b(?:add|get|have|bring|"
                rf"introduce|launch|release|support|allow|be able|see|available|coming)\b"),
    (("any ", "plan"), r"\bany (?:plans?|chance|news) (?:to|on|of|for)\b"),
    # Spanish / Portuguese
    (("ojal",), r"\bojal[aá]\b"),
    (("seria", "sería"), r"\bser[ií]a (?:muy |mucho |bem |mais )?(?:genial|bueno|ideal|[uú]til|interesante|perfecto|"
                         r"bom|[oó]timo|legal|bacana|estupendo|fant[aá]stico|bien|mejor|melhor) (?:que|si|poder|se|"
                         r"ter|tener|una?|incluir|a[ñn]adir)\b"),
    (("favor", "pf"), r"\b(?:por favor|porfavor|pf)[, ]+(?:añad|agreg|pon|incluy|implement|permit|habilit|"
                      r"adicion|coloqu|coloc|inclu|traigan|vuelvan|ponga)\w*"),
    (("deber",), r"\bdeber[ií]an? (?:poner|a[ñn]adir|agregar|incluir|permitir|implementar|tener|poder|adicionar|"
                 r"colocar|deixar)\b"),
    (("gusta", "gostar", "falta", "echo de"), r"\b(?:me gustar[ií]a|gostaria|echo de menos|falta (?:la opci[oó]n|"
                                              r"poder|una opci[oó]n|a op[çc][ãa]o))\b"),
    (("por qu", "para cu"), r"\bpor qu[eé] no (?:se )?(?:puedo|hay|tienen|pueden)\b|\bpara cu[aá]ndo\b"),
    # Italian
    (("sarebbe",), r"\bsarebbe (?:molto |davvero |pi[uù] )?(?:bello|bella|utile|ottimo|ottima|carino|comodo|"
                   r"fantastico|perfetto|opportuno|interessante|gradito|meglio|bene) (?:se|poter|avere|aggiungere|"
                   r"introdurre|un|una)\b"),
    (("favore", "vi prego"), r"\b(?:per favore|perfavore|vi prego)[, ]+(?:aggiung|mett|inser|introduc|implement|"
                             r"permett|abilit)\w*"),
    (("dovreste", "piacereb", "spero", "manca"),
     r"\bdovreste (?:aggiungere|mettere|inserire|introdurre|implementare|permettere|dare)\b|\bmi piacerebbe\b|"
     r"\bspero (?:che )?(?:aggiung|mett|inser|introduc|implement|permett)\w*|\bmanca (?:la|il|l'|una|un)\b"),
    # French
    (("serait",), r"\b(?:ce )?serait (?:bien|top|g[ée]nial|super|cool|pratique|utile|parfait|id[ée]al|sympa|mieux) "
                  r"(?:de|si|que|d')"),
    (("aimer", "ajout", "faudr", "pourquoi", "manque"),
     r"\bj'?aimerais\b|\bajoutez\b|\bil faudrait\b|\bpourquoi ne pas\b|\bmanque (?:la|le|l'|une|un)\b"),
    # German / Dutch
    (("wäre", "ware", "wünsch", "wunsch", "bitte", "fehlt"),
     r"\bw[äa]re (?:es )?(?:sch[öo]n|toll|gut|super|cool|nett|praktisch|hilfreich|w[üu]nschenswert|klasse|prima|"
     r"genial|besser)\b|\b(?:ich )?w[üu]nsche mir\b|\bw[üu]rde mir (?:\w+ )?w[üu]nschen\b|\bbitte (?:\w+ ){0,5}"
     r"(?:hinzuf[üu]g|einf[üu]hr|einbau|erm[öo]glich|anbiet)\w*|\bfehlt (?:noch |leider )?(?:die|der|das|eine?)\b"),
    (("zou", "mis ", "graag", "voeg"),
     r"\bzou (?:het )?(?:erg |heel |echt )?(?:fijn|leuk|mooi|handig|goed|top|prettig|wenselijk|beter) zijn\b|"
     r"\b(?:ik )?mis (?:nog |wel |echt )?(?:de|het|een)\b|\bgraag (?:zou|zie|wil)\b|\bvoeg\w* [^.!?\n]{0,40}\btoe\b"),
]
#: Patterns run on the lower-cased text, which makes them several times faster than ignoring case.
_COMPILED = [(keys, re.compile(p)) for keys, p in _RULES]
# A sentence that asks only to mend something: the ask is followed (within a few words) by a repair verb or
# names the fault, with no word of adding anything new.
_REPAIR_ASK = re.compile(
    rf"\b(?:please|pls|plz|kindly|hope|should|need to|needs to|must|can you|could you|why)\W+(?:\w+\W+){{0,4}}?"
    rf"{_REPAIR}\b", re.IGNORECASE)
_FAULT = re.compile(
    r"\b(?:crash\w*|bug\w*|broken|glitch\w*|freez\w*|error\w*|not working|doesn'?t work|does not work|"
    r"won'?t (?:open|load|work|let me log)|can'?t (?:log ?in|sign ?in|open|access|load)|cannot (?:log ?in|sign ?in|"
    r"open|access|load)|keeps? (?:crash|clos|fail|logg|freez)\w*|stopped working|failed|fails|failing)\b",
    re.IGNORECASE)
_NEW = re.compile(r"\b(?:add|adding|new|bring back|option|feature|introduce|include|support for|ability|allow|"
                  r"let (?:me|us|users)|wish|would be (?:great|nice|good|awesome|helpful|useful|cool)|would love)\b",
                  re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\u2026\n]")


def _sentence_bounds(ends: list[int], length: int, start: int, end: int) -> tuple[int, int]:
    """Return where the sentence around ``start``..``end`` begins and ends; ``ends`` are the sentence ends."""
    left = ends[bisect_right(ends, start) - 1] + 1 if ends and ends[0] < start else 0
    i = bisect_left(ends, end)
    return left, ends[i] if i < len(ends) else length


def _repair_only(sentence: str) -> bool:
    """Return True when a sentence's only ask is to mend a fault (it names no new thing)."""
    asks_repair = _REPAIR_ASK.search(sentence) is not None or _FAULT.search(sentence) is not None
    return asks_repair and _NEW.search(sentence) is None


def _cues(text: object) -> Iterator[tuple[int, int]]:
    """Yield where each request cue of ``text`` sits whose sentence does not only ask to mend a fault."""
    if not isinstance(text, str) or not text.strip():
        return
    lower = text.replace("\u2019", "'").lower()
    ends: list[int] | None = None
    mended: dict[tuple[int, int], bool] = {}  # per sentence: does it only ask to mend a fault?
    for keys, pattern in _COMPILED:
        if not any(k in lower for k in keys):
            continue
        for m in pattern.finditer(lower):
            if ends is None:
                ends = [e.start() for e in _SENTENCE_END.finditer(lower)]
            bounds = _sentence_bounds(ends, len(lower), m.start(), m.end())
            if bounds not in mended:
                mended[bounds] = _repair_only(lower[bounds[0]:bounds[1]])
            if not mended[bounds]:
                yield m.start(), m.end()


def request_spans(text: object) -> list[tuple[int, int]]:
    """Return where the request cues of ``text`` sit, as (start, end) pairs; empty when it asks for nothing.

    Positions are those of the lower-cased text, which has the same length as ``text`` except for the few
    characters whose lower case is longer (such as a dotted capital I).
    """
    return sorted(set(_cues(text)))


def is_request(text: object) -> bool:
    """Return True when ``text`` asks for something new or changed (see the module's rules)."""
    return next(_cues(text), None) is not None


def request_flags(texts: Iterable[object]) -> np.ndarray:
    """Return ``is_request`` of each text as a boolean array (missing or empty text: False).

    A text that repeats an earlier one is judged once.
    """
    seen: dict[object, bool] = {}
    out = []
    for text in texts:
        key = text if isinstance(text, str) else None
        if key not in seen:
            seen[key] = is_request(text)
        out.append(seen[key])
    return np.array(out, dtype=bool)


def frame_requests(frame: pd.DataFrame) -> np.ndarray:
    """Return per row of a responses frame whether its comment is a request.

    Uses the frame's ``request`` column when it has one (computed once, see ``portal.services.requests``),
    else reads the ``comment`` column; a frame with neither gives False everywhere.
    """
    if "request" in frame.columns:
        return frame["request"].fillna(False).to_numpy(dtype=bool)
    if "comment" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return request_flags(frame["comment"].astype(object))
