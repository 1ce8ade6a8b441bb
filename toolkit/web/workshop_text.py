"""The words of the workshop participant pages (``/w/``), in Swedish and English.

The journey's own words (step and phase titles) and what the facilitator wrote (the
workshop's title, prompts, questions) come from the database and are never translated.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit.i18n import translator as table_translator
from toolkit.web import citizen_text
from toolkit.web.citizen_text import Lang

NOTE_KINDS: tuple[tuple[str, str, str], ...] = (
    ("pain", "Problem", "Problem"),
    ("idea", "Idé", "Idea"),
    ("question", "Fråga", "Question"),
    ("praise", "Bra", "Good"),
)
"""(value, Swedish label, English label) for the kinds of note, in the order shown."""

SAME_AS_CITIZEN = (
    "skip",
    "error.title",
    "error.summary",
    "error.prefix",
    "age.legend",
    "age.error",
    "consent.legend",
    "young.nothing",
    "limited.heading",
    "limited.body",
    "csrf.heading",
    "large.heading",
    "large.body",
    "bad.body",
)
"""Words the participant pages share with the citizen pages (the layout, error summaries,
age and consent, the rate limit and bad requests): taken from that table so both say the
same."""

STRINGS: dict[str, tuple[str, str]] = {
    **{key: citizen_text.STRINGS[key] for key in SAME_AS_CITIZEN},
    # layout
    "tag": ("Workshop", "Workshop"),
    "banner.label": ("Om workshoppen", "About the workshop"),
    "banner.as": ("Du är med som {nickname}.", "You take part as {nickname}."),
    "footer": (
        "Lapparna visas på skärmen i rummet med ditt smeknamn. Skriv inga personuppgifter.",
        "Your notes are shown on the screen in the room with your nickname. Do not write "
        "personal details.",
    ),
    # typing the code
    "entry.heading": ("Gå med i en workshop", "Join a workshop"),
    "entry.body": (
        "Skriv koden som visas på skärmen i rummet. Du kan också skanna QR-koden med kameran.",
        "Enter the code shown on the screen in the room. You can also scan the QR code with "
        "your camera.",
    ),
    "entry.label": ("Koden på skärmen", "The code on the screen"),
    "entry.hint": (
        "Sex tecken, till exempel K7M PQ2. Stora eller små bokstäver spelar ingen roll.",
        "Six characters, for example K7M PQ2. Upper or lower case does not matter.",
    ),
    "entry.button": ("Fortsätt", "Continue"),
    "entry.empty": ("Skriv koden som visas på skärmen", "Enter the code shown on the screen"),
    "entry.unknown": (
        "Det finns ingen workshop med koden {code}. Titta på koden på skärmen och skriv den igen",
        "There is no workshop with the code {code}. Look at the code on the screen and enter "
        "it again",
    ),
    "entry.invalid": (
        "Det finns ingen workshop med koden {code}. En kod har sex tecken: siffrorna 2–9 och "
        "bokstäver, men aldrig 0, O, 1, I eller L. Titta på koden på skärmen och skriv den igen",
        "There is no workshop with the code {code}. A code has six characters: the digits 2–9 "
        "and letters, but never 0, O, 1, I or L. Look at the code on the screen and enter it "
        "again",
    ),
    # joining
    "join.caption": ("Workshop", "Workshop"),
    "join.about": ("Om tjänsten: {journey}", "About the service: {journey}"),
    "join.what": (
        "Du är med från din egen telefon. Du skriver lappar om stegen i tjänsten och röstar "
        "på det som är viktigast.",
        "You take part from your own phone. You write notes on the steps of the service and "
        "vote on what matters most.",
    ),
    "join.stored.heading": ("Det här sparar vi", "What we store"),
    "join.stored": (
        "Ditt smeknamn, om du väljer ett. Annars kallas du till exempel Anonym 3.|"
        "Lapparna du skriver och dina röster. Lapparna visas på skärmen i rummet med ditt "
        "smeknamn.|"
        "Din åldersgrupp.",
        "Your nickname, if you choose one. Otherwise you are called, for example, Anonym 3.|"
        "The notes you write and your votes. The notes are shown on the screen in the room "
        "with your nickname.|"
        "Your age group.",
    ),
    "join.retention": (
        "Vi sparar det i högst {months} månader. Sedan tas det bort. Vill du att en lapp tas "
        "bort, säg det till den som leder workshoppen.",
        "We keep it for at most {months} months. Then it is deleted. If you want a note "
        "removed, tell the person running the workshop.",
    ),
    "join.no_personal": (
        "Skriv inga personuppgifter, till exempel personnummer, telefonnummer eller e-postadress.",
        "Do not write personal details, such as a personal identity number, phone number or "
        "e-mail address.",
    ),
    "nickname.label": ("Smeknamn (frivilligt)", "Nickname (optional)"),
    "nickname.hint": (
        "Visas bredvid dina lappar. Det behöver inte vara ditt riktiga namn. Högst 30 tecken.",
        "Shown next to your notes. It does not have to be your real name. At most 30 characters.",
    ),
    "nickname.too_long": (
        "Skriv ett smeknamn som är högst 30 tecken",
        "Write a nickname of at most 30 characters",
    ),
    "age.hint": (
        "Vi frågar för att se att alla åldrar kommer till tals.",
        "We ask to see that people of all ages are heard.",
    ),
    "consent.label": (
        "Jag har läst vad som sparas och vill vara med i workshoppen",
        "I have read what is stored and want to take part in the workshop",
    ),
    "consent.error": (
        "Kryssa i rutan om du vill vara med i workshoppen",
        "Tick the box if you want to take part in the workshop",
    ),
    "join.button": ("Gå med", "Join"),
    "young.heading": (
        "Du behöver vara minst 13 år för den här workshoppen",
        "You need to be at least 13 for this workshop",
    ),
    "young.body": (
        "Är du yngre än 13 år kan du vara med när den som leder workshoppen har fått lov av "
        "din vårdnadshavare. Fråga den som leder workshoppen.",
        "If you are younger than 13 you can take part when the person running the workshop "
        "has permission from your guardian. Ask the person running the workshop.",
    ),
    # the activity
    "activity.position": ("Aktivitet {n} av {total}", "Activity {n} of {total}"),
    "activity.none.heading": ("Snart börjar vi", "We will start soon"),
    "activity.none.body": (
        "Workshoppen har inte börjat än. Sidan uppdateras när den som leder workshoppen "
        "startar. Du kan också ladda om sidan.",
        "The workshop has not started yet. The page updates when the person running the "
        "workshop starts. You can also reload the page.",
    ),
    "timer.left": ("{minutes} min kvar", "{minutes} min left"),
    "timer.up": ("Tiden är ute", "Time is up"),
    "locked": (
        "Den som leder workshoppen har pausat. Vänta en stund, sidan uppdateras när ni fortsätter.",
        "The person running the workshop has paused. Wait a moment, the page updates when you "
        "continue.",
    ),
    "walk.body": (
        "Ni går igenom tjänsten steg för steg. Skriv en lapp när något är krångligt, bra "
        "eller oklart.",
        "You go through the service step by step. Write a note when something is difficult, "
        "good or unclear.",
    ),
    "test.body": (
        "Testa prototypen på din telefon. Kom sedan tillbaka hit och skriv lappar om det du "
        "märkte.",
        "Try the prototype on your phone. Then come back here and write notes about what you "
        "noticed.",
    ),
    "test.link": ("Öppna prototypen", "Open the prototype"),
    "reload": ("Ladda om sidan", "Reload the page"),
    # notes
    "note.heading": ("Skriv en lapp", "Write a note"),
    "note.step": ("Vilket steg gäller lappen?", "Which step is the note about?"),
    "note.step.hint": (
        "Stegen står i samma ordning som i tjänsten.",
        "The steps are in the same order as in the service.",
    ),
    "note.step.choose": ("Välj steg", "Choose a step"),
    "note.step.other": ("Övriga steg", "Other steps"),
    "note.step.error": ("Välj vilket steg lappen gäller", "Choose which step the note is about"),
    "note.kind": ("Vad är det?", "What is it?"),
    "note.kind.error": (
        "Välj om lappen är ett problem, en idé, en fråga eller något bra",
        "Choose whether the note is a problem, an idea, a question or something good",
    ),
    "note.text": ("Lappen", "The note"),
    "note.answer": ("Ditt svar", "Your answer"),
    "note.text.hint": (
        "Skriv inga personuppgifter, till exempel namn, personnummer, telefonnummer eller "
        "e-post. Högst {n} tecken.",
        "Do not write personal details, such as names, identity numbers, phone numbers or "
        "e-mail addresses. At most {n} characters.",
    ),
    "note.text.error": ("Skriv något på lappen", "Write something on the note"),
    "note.answer.error": ("Skriv ditt svar", "Write your answer"),
    "note.too_long": (
        "Skriv en lapp som är högst {n} tecken. Den har {length} nu",
        "Write a note of at most {n} characters. It has {length} now",
    ),
    "note.button": ("Lägg till lappen", "Add the note"),
    "note.answer.button": ("Skicka svaret", "Send the answer"),
    "note.thanks": ("Tack! Lappen är sparad.", "Thank you! The note is saved."),
    "note.sending": ("Skickar …", "Sending …"),
    "note.queued": (
        "Lappen sparas när du har nät igen. Du kan skriva nästa under tiden.",
        "The note is saved when you are back online. You can write the next one meanwhile.",
    ),
    "note.waiting": ("väntar på nät", "waiting for network"),
    "mine.heading": ("Dina lappar", "Your notes"),
    "mine.answers": ("Dina svar", "Your answers"),
    "mine.none": ("Du har inte skrivit några lappar än.", "You have not written any notes yet."),
    "mine.none.answers": ("Du har inte svarat än.", "You have not answered yet."),
    "changed": (
        "Workshoppen har gått vidare. Skicka det du skriver, så uppdateras sidan.",
        "The workshop has moved on. Send what you are writing and the page will update.",
    ),
    # votes
    "vote.left": ("Du har {n} röster kvar", "You have {n} votes left"),
    "vote.left.one": ("Du har 1 röst kvar", "You have 1 vote left"),
    "vote.left.none": (
        "Du har inga röster kvar. Ta bort en röst om du vill rösta på något annat.",
        "You have no votes left. Remove a vote if you want to vote for something else.",
    ),
    "vote.how.notes": (
        "Rösta på de lappar som är viktigast. Du kan ge varje lapp en röst.",
        "Vote for the notes that matter most. You can give each note one vote.",
    ),
    "vote.how.steps": (
        "Rösta på de steg i tjänsten som är viktigast att göra bättre. Du kan ge varje steg "
        "en röst.",
        "Vote for the steps of the service that matter most to improve. You can give each "
        "step one vote.",
    ),
    "vote.how.short.notes": ("Du kan ge varje lapp en röst.", "You can give each note one vote."),
    "vote.how.short.steps": ("Du kan ge varje steg en röst.", "You can give each step one vote."),
    "vote.button": ("Rösta", "Vote"),
    "vote.remove": ("Ta bort min röst", "Remove my vote"),
    "vote.mine": ("Din röst", "Your vote"),
    "vote.sending": ("Sparar …", "Saving …"),
    "vote.queued": ("Sparas när du har nät igen", "Saved when you are back online"),
    "vote.none": (
        "Det finns inga lappar att rösta på än.",
        "There are no notes to vote on yet.",
    ),
    "vote.count": ("{n} röster", "{n} votes"),
    "vote.count.one": ("1 röst", "1 vote"),
    "by": ("av {nickname}", "by {nickname}"),
    # results
    "results.heading": ("Resultat", "Results"),
    "results.hidden": (
        "Resultatet visas här när den som leder workshoppen visar det.",
        "The results are shown here when the person running the workshop reveals them.",
    ),
    "results.none": ("Ingen har röstat än.", "Nobody has voted yet."),
    "results.voters": ("{voters} gav {votes}.", "{voters} gave {votes}."),
    "people": ("{n} personer", "{n} people"),
    "people.one": ("1 person", "1 person"),
    # problems
    "vote.limit": (
        "Du har använt alla dina {n} röster. Ta bort en röst om du vill rösta på något annat",
        "You have used all your {n} votes. Remove a vote if you want to vote for something else",
    ),
    "vote.not_now": (
        "Just nu pågår ”{title}”, och då går det inte att rösta. Vänta till röstningen",
        "“{title}” is going on now, and you cannot vote during it. Wait for the vote",
    ),
    "note.not_now": (
        "Just nu pågår ”{title}”, och då går det inte att lägga till lappar. Vänta till nästa "
        "aktivitet",
        "“{title}” is going on now, and you cannot add notes during it. Wait for the next activity",
    ),
    "not_started": (
        "Workshoppen har inte börjat än. Vänta tills den som leder workshoppen startar",
        "The workshop has not started yet. Wait until the person running it starts",
    ),
    "paused": (
        "Den som leder workshoppen har pausat, så det gick inte att skicka. Det du skrev finns "
        "kvar: skicka igen när pausen är slut",
        "The person running the workshop has paused, so it could not be sent. What you wrote "
        "is still here: send it again when the pause is over",
    ),
    "not_open.heading": ("Workshoppen har inte börjat än", "The workshop has not started yet"),
    "not_open.body": (
        "Vänta tills den som leder workshoppen öppnar den, och ladda sedan om sidan.",
        "Wait until the person running the workshop opens it, then reload the page.",
    ),
    "closed.heading": ("Workshoppen är avslutad", "The workshop has ended"),
    "closed.body": (
        "Det går inte att gå med, skriva lappar eller rösta längre.",
        "You can no longer join, write notes or vote.",
    ),
    "closed.thanks": ("Tack för att du ville vara med!", "Thank you for wanting to take part!"),
    "limited.action": (
        "Titta noga på koden på skärmen, eller skanna QR-koden.",
        "Look carefully at the code on the screen, or scan the QR code.",
    ),
    "csrf.body": (
        "Det du skickade kunde inte tas emot, kanske för att sidan var öppen länge eller i en "
        "annan flik.",
        "What you sent could not be received, perhaps because the page was open for a long "
        "time or in another tab.",
    ),
    "csrf.action": (
        "Gå tillbaka till workshoppen och försök igen.",
        "Go back to the workshop and try again.",
    ),
    "back": ("Tillbaka till workshoppen", "Back to the workshop"),
    "bad.heading": ("Det du skickade gick inte att läsa", "What you sent could not be read"),
}


_TRANSLATORS: dict[str, Callable[..., str]] = {}


def translator(lang: Lang) -> Callable[..., str]:
    """``_(key, **values)`` in ``lang``: the string formatted with ``values``."""
    found = _TRANSLATORS.get(lang)
    if found is None:
        found = _TRANSLATORS[lang] = table_translator(STRINGS, lang)
    return found


def kind_labels(lang: Lang) -> dict[str, str]:
    """Note kind → its label on the participant pages ('Problem', 'Idé', 'Fråga', 'Bra')."""
    return {value: (en if lang == "en" else sv) for value, sv, en in NOTE_KINDS}
