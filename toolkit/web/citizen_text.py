"""The words of the citizen test pages around the prototype, in Swedish and English.

The prototype's own content (headings, questions, error messages) comes from the journey file
and is never translated here; these are only the words of the test itself: consent, the
feedback control, SEQ, SUS, the withdrawal code and the error pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from toolkit.i18n import pick as pick
from toolkit.i18n import translator as table_translator

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")

RETENTION_MONTHS = 12
"""What the consent text promises: test data is kept at most this long."""

AGE_BANDS: tuple[tuple[str, str, str], ...] = (
    ("under-13", "Yngre än 13 år", "Younger than 13"),
    ("13-15", "13–15 år", "13–15 years"),
    ("16-17", "16–17 år", "16–17 years"),
    ("18-29", "18–29 år", "18–29 years"),
    ("30-49", "30–49 år", "30–49 years"),
    ("50-64", "50–64 år", "50–64 years"),
    ("65-79", "65–79 år", "65–79 years"),
    ("80+", "80 år eller äldre", "80 years or older"),
)
"""(value, Swedish label, English label); the values are what the session stores."""

RATING_LABELS: tuple[tuple[str, str], ...] = (
    ("Mycket dåligt", "Very bad"),
    ("Dåligt", "Bad"),
    ("Varken bra eller dåligt", "Neither good nor bad"),
    ("Bra", "Good"),
    ("Mycket bra", "Very good"),
)

SEQ_ENDS: tuple[tuple[str, str], tuple[str, str]] = (
    ("Mycket svårt", "Very difficult"),
    ("Mycket lätt", "Very easy"),
)

SUS_SCALE: tuple[tuple[str, str], ...] = (
    ("Instämmer inte alls", "Strongly disagree"),
    ("Instämmer inte", "Disagree"),
    ("Varken eller", "Neutral"),
    ("Instämmer", "Agree"),
    ("Instämmer helt", "Strongly agree"),
)
"""The five SUS answers; the ends are feedback.SUS_SCALE_SV/EN."""

CHANNELS: dict[str, tuple[str, str]] = {
    "web": ("På webben", "On the web"),
    "app": ("I appen", "In the app"),
    "phone": ("Per telefon", "By phone"),
    "sms": ("Med sms", "By text message"),
    "letter": ("Med brev", "By letter"),
    "visit": ("Vid ett besök", "At a visit"),
    "e-mail": ("Med e-post", "By e-mail"),
}

STRINGS: dict[str, tuple[str, str]] = {
    # layout
    "skip": ("Hoppa till innehållet", "Skip to main content"),
    "prototype": ("Prototyp", "Prototype"),
    "banner": (
        "Det här är ett anonymt test av en prototyp, inte en riktig e-tjänst.",
        "This is an anonymous test of a prototype, not a real e-service.",
    ),
    "banner.label": ("Om testet", "About the test"),
    "nav.label": ("Testet", "The test"),
    "nav.task": ("Din uppgift", "Your task"),
    "nav.feedback": ("Tyck till", "Give feedback"),
    "nav.end": ("Avsluta testet", "End the test"),
    "content.only": (
        "Innehållet i prototypen finns bara på {language}.",
        "The content of the prototype is only in {language}.",
    ),
    "language.sv": ("svenska", "Swedish"),
    "language.en": ("engelska", "English"),
    "footer": (
        "Det här är en prototyp som testas tillsammans med invånare. Det är inte en riktig "
        "e-tjänst och inget du gör här skickas till {org}.",
        "This is a prototype being tested with residents. It is not a real e-service and "
        "nothing you do here is sent to {org}.",
    ),
    # welcome and consent
    "welcome.caption": ("Test av en e-tjänst", "Testing an e-service"),
    "welcome.who": (
        "{org} vill göra tjänsten enklare och ber dig testa en prototyp av den.",
        "{org} wants to make the service easier and asks you to try a prototype of it.",
    ),
    "welcome.prototype": (
        "Det är en prototyp: allt är på låtsas. Du ansöker inte om något på riktigt. "
        "Hitta gärna på uppgifter.",
        "It is a prototype: everything is pretend. You do not apply for anything for real. "
        "Feel free to make up details.",
    ),
    "welcome.time": ("Det tar ungefär {minutes} minuter.", "It takes about {minutes} minutes."),
    "welcome.about": ("Om testet", "About the test"),
    "welcome.anonymous": (
        "Testet är anonymt: vi frågar inte efter ditt namn och sparar inte det du skriver i "
        "formulären.",
        "The test is anonymous: we do not ask for your name and do not store what you type "
        "into the forms.",
    ),
    "welcome.no_personal": (
        "Skriv inga riktiga personuppgifter, till exempel personnummer, telefonnummer eller "
        "e-postadress.",
        "Do not write real personal details, such as a personal identity number, phone "
        "number or e-mail address.",
    ),
    "welcome.task": ("Din uppgift", "Your task"),
    "consent.heading": ("Det här sparar vi", "What we store"),
    "consent.stored": (
        "Vilka sidor du besöker och vilka knappar du trycker på.|"
        "Om du fyllt i frågorna och om svaren gick igenom, och vilket alternativ du valde. "
        "Aldrig det du skriver i textrutor.|"
        "Betyg och kommentarer som du själv skriver.|"
        "Din åldersgrupp.",
        "Which pages you visit and which buttons you press.|"
        "Whether you answered the questions and whether the answers were accepted, and which "
        "option you chose. Never what you type into text boxes.|"
        "Ratings and comments you write yourself.|"
        "Your age group.",
    ),
    "consent.retention": (
        "Vi sparar det i högst {months} månader. Sedan tas det bort.",
        "We keep it for at most {months} months. Then it is deleted.",
    ),
    "consent.withdraw": (
        "Du kan sluta när du vill. I slutet får du en kod. Med koden kan du ta bort allt du "
        "svarat, också senare.",
        "You can stop whenever you like. At the end you get a code. With the code you can "
        "delete everything you answered, also later.",
    ),
    "age.legend": ("Hur gammal är du?", "How old are you?"),
    "age.hint": (
        "Vi frågar för att se om tjänsten fungerar för alla åldrar.",
        "We ask to see whether the service works for all ages.",
    ),
    "age.error": ("Välj hur gammal du är", "Choose how old you are"),
    "consent.legend": ("Vill du vara med?", "Do you want to take part?"),
    "consent.label": (
        "Jag har läst vad som sparas och vill vara med i testet",
        "I have read what is stored and want to take part in the test",
    ),
    "consent.error": (
        "Kryssa i rutan om du vill vara med i testet",
        "Tick the box if you want to take part in the test",
    ),
    "consent.button": ("Starta testet", "Start the test"),
    "consent.continue": ("Fortsätt där du var", "Continue where you were"),
    "young.heading": (
        "Du behöver vara minst 13 år för det här testet",
        "You need to be at least 13 for this test",
    ),
    "young.body": (
        "Är du yngre än 13 år kan du vara med när en vuxen som leder testet har fått lov av din "
        "vårdnadshavare. Fråga den som gav dig länken.",
        "If you are younger than 13 you can take part when an adult running the test has "
        "permission from your guardian. Ask the person who gave you the link.",
    ),
    "young.nothing": ("Vi har inte sparat något.", "We have not stored anything."),
    # steps
    "back": ("Tillbaka", "Back"),
    "progress": ("Steg {n} av {total}", "Step {n} of {total}"),
    "continue": ("Fortsätt", "Continue"),
    "error.title": ("Fel: ", "Error: "),
    "error.summary": ("Det finns ett problem", "There is a problem"),
    "error.prefix": ("Fel:", "Error:"),
    "eid.caption": ("Fejkad e-legitimation", "Fake e-identification"),
    "eid.note": (
        "Det här är en prototyp. Du loggar inte in på riktigt och vi frågar aldrig efter ditt "
        "personnummer.",
        "This is a prototype. You do not really log in and we never ask for your personal "
        "identity number.",
    ),
    "eid.as": ("Du loggas in som", "You are logged in as"),
    "eid.person": ("Testperson Exempel (påhittad)", "Test Person Example (made up)"),
    "check.change": ("Ändra", "Change"),
    "check.none": ("Inget svar", "No answer"),
    "check.empty": (
        "Du har inte svarat på några frågor ännu.",
        "You have not answered any questions yet.",
    ),
    "check.shortened": (
        "Några långa svar har kortats av i prototypen: {labels}. Det påverkar inte testet.",
        "Some long answers were shortened in the prototype: {labels}. This does not affect "
        "the test.",
    ),
    "confirmation.case": ("Ditt ärendenummer", "Your case number"),
    "confirmation.fake": (
        "Numret är påhittat. Inget har skickats på riktigt.",
        "The number is made up. Nothing has really been sent.",
    ),
    "offline.caption": ("Nu händer:", "What happens now:"),
    "offline.how": ("Hur", "How"),
    "offline.duration": ("Hur lång tid", "How long"),
    "offline.next": ("Fortsätt", "Continue"),
    "decision.auto": ("Beslut i e-tjänsten", "Decision in the e-service"),
    "decision.manual": ("Handläggaren beslutar", "A case officer decides"),
    "decision.outcome": ("Beslut", "Decision"),
    "decision.why": ("Därför", "Why"),
    "decision.note": (
        "I prototypen visas ett troligt beslut utifrån dina svar. Det är inte ett riktigt beslut.",
        "The prototype shows a likely decision based on your answers. It is not a real decision.",
    ),
    "end.button": ("Avsluta", "Finish"),
    # feedback
    "feedback.summary": ("Tyck till om det här steget", "Give feedback on this step"),
    "feedback.legend": ("Vad tyckte du om det här steget?", "What did you think of this step?"),
    "feedback.comment": ("Kommentar (frivillig)", "Comment (optional)"),
    "feedback.comment_hint": (
        "Skriv inga personuppgifter, till exempel namn, personnummer, telefonnummer eller e-post.",
        "Do not write personal details, such as names, identity numbers, phone numbers or "
        "e-mail addresses.",
    ),
    "feedback.button": ("Skicka åsikt", "Send feedback"),
    "feedback.thanks": ("Tack! Din åsikt är sparad.", "Thank you! Your feedback is saved."),
    "feedback.queued": ("Sparas när du har nät igen.", "Saved when you are back online."),
    "feedback.error": (
        "Välj ett betyg eller skriv en kommentar",
        "Choose a rating or write a comment",
    ),
    "feedback.too_long": (
        "Skriv en kommentar som är högst {n} tecken",
        "Write a comment of at most {n} characters",
    ),
    # task, SEQ, SUS
    "task.heading": ("Din uppgift", "Your task"),
    "task.none": (
        "Det finns ingen särskild uppgift. Prova tjänsten som du vill.",
        "There is no particular task. Try the service as you like.",
    ),
    "task.back": ("Tillbaka till testet", "Back to the test"),
    "task.done": ("Du har klarat uppgiften!", "You have completed the task!"),
    "seq.legend": (
        "Hur lätt eller svårt var uppgiften?",
        "Overall, how easy or difficult was the task?",
    ),
    "seq.hint": (
        "1 betyder mycket svårt och 7 mycket lätt.",
        "1 means very difficult and 7 very easy.",
    ),
    "seq.error": (
        "Välj hur lätt eller svårt uppgiften var",
        "Choose how easy or difficult the task was",
    ),
    "seq.button": ("Skicka svar", "Send answer"),
    "seq.thanks": ("Tack för ditt svar!", "Thank you for your answer!"),
    "sus.heading": ("Vad tycker du om e-tjänsten?", "What do you think of the e-service?"),
    "sus.intro": (
        "Tio korta påståenden. Välj hur mycket du håller med om varje. Det är frivilligt.",
        "Ten short statements. Choose how much you agree with each. It is optional.",
    ),
    "sus.item": ("Påstående {n} av 10", "Statement {n} of 10"),
    "sus.error": ("Svara på påstående {n}", "Answer statement {n}"),
    "sus.button": ("Skicka svaren", "Send the answers"),
    "sus.skip": ("Hoppa över", "Skip"),
    # end and withdrawal
    "done.heading": ("Tack för att du testade!", "Thank you for testing!"),
    "done.body": (
        "Dina svar hjälper {org} att göra tjänsten bättre.",
        "Your answers help {org} make the service better.",
    ),
    "done.code": ("Din kod för att ta bort svaren", "Your code for deleting your answers"),
    "done.keep": (
        "Spara koden: skriv av den eller ta en skärmbild. Vill du ta bort dina svar senare, "
        "skriv koden på",
        "Keep the code: write it down or take a screenshot. To delete your answers later, "
        "enter the code at",
    ),
    "done.sus": (
        "Vill du svara på tio korta frågor om tjänsten?",
        "Would you answer ten short questions about the service?",
    ),
    "done.continue": ("Fortsätt testet", "Continue the test"),
    "done.withdraw": ("Ta bort mina svar nu", "Delete my answers now"),
    "withdraw.heading": ("Ta bort dina svar", "Delete your answers"),
    "withdraw.body": (
        "Skriv koden du fick i slutet av testet. Då tar vi bort allt du svarade.",
        "Enter the code you got at the end of the test. We then delete everything you answered.",
    ),
    "withdraw.label": ("Kod", "Code"),
    "withdraw.hint": ("Till exempel ABCD-EFGH-JKLM", "For example ABCD-EFGH-JKLM"),
    "withdraw.empty": ("Ange koden du fick i slutet av testet", "Enter the code you got"),
    "withdraw.unknown": (
        "Vi hittar inga svar med den koden. Kontrollera koden och försök igen",
        "We find no answers with that code. Check the code and try again",
    ),
    "withdraw.button": ("Ta bort mina svar", "Delete my answers"),
    "withdrawn.heading": ("Dina svar är borttagna", "Your answers are deleted"),
    "withdrawn.body": (
        "Allt du svarade i testet är borttaget. Tack för att du var med.",
        "Everything you answered in the test is deleted. Thank you for taking part.",
    ),
    # problems
    "csrf.heading": ("Sidan var för gammal", "The page was too old"),
    "csrf.body": (
        "Formuläret kunde inte skickas, kanske för att sidan var öppen länge eller i en annan "
        "flik.",
        "The form could not be sent, perhaps because the page was open for a long time or in "
        "another tab.",
    ),
    "csrf.action": (
        "Gå tillbaka, ladda om sidan och försök igen.",
        "Go back, reload the page and try again.",
    ),
    "large.heading": ("Det du skickade var för stort", "What you sent was too large"),
    "large.body": ("Skriv kortare och försök igen.", "Write less and try again."),
    "bad.heading": ("Formuläret gick inte att läsa", "The form could not be read"),
    "bad.body": (
        "Gå tillbaka och skicka det igen med knappen på sidan.",
        "Go back and send it again with the button on the page.",
    ),
    "missing.heading": ("Sidan finns inte", "Page not found"),
    "missing.step": (
        "Det finns inget sådant steg i prototypen.",
        "There is no such step in the prototype.",
    ),
    "missing.action": (
        "Gå tillbaka till länken du fick och börja om.",
        "Go back to the link you were given and start again.",
    ),
    "unknown.heading": ("Länken fungerar inte", "The link does not work"),
    "unknown.body": (
        "Vi hittar inget test med koden {code}.",
        "We cannot find a test with the code {code}.",
    ),
    "unknown.check": (
        "Kontrollera att adressen är rätt skriven, eller skanna QR-koden igen.",
        "Check that the address is typed correctly, or scan the QR code again.",
    ),
    "ask": ("Be den som gav dig länken om en ny.", "Ask the person who gave you the link."),
    "limited.heading": ("För många försök", "Too many attempts"),
    "limited.body": (
        "Vi har fått för många koder som inte fungerar på kort tid. Vänta en minut och försök "
        "sedan igen.",
        "We have received too many codes that do not work in a short time. Wait a minute and "
        "then try again.",
    ),
    "limited.action": (
        "Kontrollera att koden är rätt skriven, eller skanna QR-koden.",
        "Check that the code is typed correctly, or scan the QR code.",
    ),
    "revoked.heading": ("Testet är avslutat", "The test has ended"),
    "revoked.body": (
        "Länken har stängts av den som ordnar testet och kan inte användas längre.",
        "The link was closed by the people running the test and can no longer be used.",
    ),
    "expired.heading": ("Länken har gått ut", "The link has expired"),
    "expired.body": (
        "Testet gick att göra till och med{when}. Nu är det stängt.",
        "The test was open until{when}. Now it is closed.",
    ),
}


def translator(lang: Lang) -> Callable[..., str]:
    """``_(key, **values)`` in ``lang``: the string formatted with ``values``."""
    return table_translator(STRINGS, lang)
