"""DiscTrack instrument library: versioned questionnaire definitions and their scoring.

Django-free on purpose, so that scoring can be checked and reused anywhere.
"""

from __future__ import annotations

from .errors import AnswerError, InstrumentDefinitionError, InvalidAnswers, UnknownInstrument
from .items import LANGUAGES, Answer, AskIf, Item, Option
from .library import DEFINITIONS_DIR, InstrumentLibrary, load_library, validate_library
from .model import Instrument, Scoring
from .scoring import ODI_BANDS, Score, odi_band

__all__ = [
    "DEFINITIONS_DIR",
    "LANGUAGES",
    "ODI_BANDS",
    "Answer",
    "AnswerError",
    "AskIf",
    "Instrument",
    "InstrumentDefinitionError",
    "InstrumentLibrary",
    "InvalidAnswers",
    "Item",
    "Option",
    "Score",
    "Scoring",
    "UnknownInstrument",
    "load_library",
    "odi_band",
    "validate_library",
]
