"""LIX, the Swedish readability index: words per sentence plus the share of long words."""

from __future__ import annotations

import pytest

from journeys import lix
from journeys.readability import markdown_to_sentences


def test_nothing_to_read_gives_zero() -> None:
    result = lix(["", "   "])
    assert (result.lix, result.words, result.sentences, result.longest) == (0.0, 0, 0, ())


def test_short_words_in_short_sentences() -> None:
    result = lix(["Jag heter Anna. Jag bor i Lund."])
    assert (result.words, result.sentences, result.long_words) == (7, 2, 0)
    assert result.lix == 3.5


def test_long_words_have_more_than_six_letters() -> None:
    result = lix(["Ansökan om parkeringstillstånd behandlas snabbt."])
    # 5 words, 1 sentence; ansökan (7), parkeringstillstånd, behandlas are long
    assert (result.words, result.long_words) == (5, 3)
    assert result.lix == 5 + 60.0


def test_hyphens_are_not_letters() -> None:
    assert lix(["Ange sms-kod."]).long_words == 0
    assert lix(["Ange e-fakturan."]).long_words == 1


def test_numbers_are_not_words() -> None:
    result = lix(["Avgiften är 1 200 kr per år."])
    assert result.words == 5


@pytest.mark.parametrize("mark", [".", "!", "?", ":"])
def test_sentences_end_at_stops_questions_exclamations_and_colons(mark: str) -> None:
    assert lix([f"Ett två tre{mark} Fyra fem."]).sentences == 2


def test_abbreviations_do_not_end_sentences() -> None:
    assert markdown_to_sentences("Skriv t.ex. ditt namn, bl.a. för att vi ska veta. Tack.") == [
        "Skriv t.ex. ditt namn, bl.a. för att vi ska veta.",
        "Tack.",
    ]


def test_markdown_blocks_end_sentences_and_formatting_is_read_as_text() -> None:
    text = (
        "# Så ansöker du\n\n"
        "Läs [villkoren](https://example.se) *innan* du börjar\n"
        "och ha `BankID` redo\n\n"
        "- ditt personnummer\n"
        "- bilens registreringsnummer\n\n"
        "```\nkod räknas inte\n```\n"
    )
    assert markdown_to_sentences(text) == [
        "Så ansöker du",
        "Läs villkoren innan du börjar och ha BankID redo",
        "ditt personnummer",
        "bilens registreringsnummer",
    ]


def test_a_line_break_inside_a_paragraph_does_not_glue_words_together() -> None:
    assert lix(["Rad ett\nrad två."]).words == 4


def test_title_body_and_labels_are_read_as_one_text() -> None:
    one = lix(["Start", "Du kan ansöka här.", "Vad heter du?"])
    assert (one.words, one.sentences) == (8, 3)


def test_the_longest_sentences_come_first() -> None:
    result = lix(["Kort. En mening som är mycket längre än den första. Mellanlång mening här."])
    assert result.longest[0] == "En mening som är mycket längre än den första."
    assert result.longest[-1] == "Kort."


def test_official_prose_scores_as_hard() -> None:
    text = (
        "Parkeringstillståndsansökningar för rörelsehindrade handläggs av kommunens "
        "trafikavdelning enligt trafikförordningens bestämmelser och beviljas endast sökande "
        "med väsentliga förflyttningssvårigheter."
    )
    assert lix([text]).lix > 60


def test_plain_language_scores_as_easy() -> None:
    text = (
        "Du kan få parkeringstillstånd om du har svårt att gå. Du ansöker här. Det tar fem minuter."
    )
    assert lix([text]).lix < 40
