"""Interface strings of the toolkit in Swedish (first) and English.

Journey content is never translated here: it lives in the journey file. These are the
words of the tool itself (command line now, the apps later).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from toolkit.settings import Lang

STRINGS: dict[str, tuple[str, str]] = {
    "validate.summary": (
        "{file}: {errors} fel, {warnings} varningar",
        "{file}: {errors} errors, {warnings} warnings",
    ),
    "validate.ok": ("{file}: inga fel", "{file}: no errors"),
    "validate.total_fail": (
        "{failed} av {total} filer har fel som måste rättas.",
        "{failed} of {total} files have errors that must be fixed.",
    ),
    "import.done": (
        "Importerade {id} ({title}), revision {revision}.",
        "Imported {id} ({title}), revision {revision}.",
    ),
    "import.unchanged": (
        "{id} är oförändrad (revision {revision}); inget nytt sparades.",
        "{id} is unchanged (revision {revision}); nothing new was saved.",
    ),
    "import.refused": (
        "{file} importerades inte: rätta felen ovan och försök igen. Inget sparades.",
        "{file} was not imported: fix the errors above and try again. Nothing was saved.",
    ),
    "list.empty": (
        "Inga resor ännu. Importera en med: medskapa journey import FIL.yaml",
        "No journeys yet. Import one with: medskapa journey import FILE.yaml",
    ),
    "list.title": ("Resor i {db}", "Journeys in {db}"),
    "col.id": ("Id", "Id"),
    "col.title": ("Titel", "Title"),
    "col.organisation": ("Organisation", "Organisation"),
    "col.steps": ("Steg", "Steps"),
    "col.revisions": ("Revisioner", "Revisions"),
    "col.updated": ("Ändrad", "Changed"),
    "col.screens": ("Skärmar", "Screens"),
    "col.decisions": ("Beslut", "Decisions"),
    "col.offline": ("Offline", "Offline"),
    "col.branches": ("Vägval", "Branches"),
    "col.errors": ("Fel", "Errors"),
    "col.warnings": ("Varningar", "Warnings"),
    "col.lix": ("Högsta LIX", "Highest LIX"),
    "export.unknown": (
        "Det finns ingen resa '{id}' i {db}.{hint} Se vilka som finns med: medskapa journey list",
        "There is no journey '{id}' in {db}.{hint} See which exist with: medskapa journey list",
    ),
    "export.written": ("Skrev {path}", "Wrote {path}"),
    "schema.written": ("Skrev JSON Schema till {path}", "Wrote the JSON Schema to {path}"),
    "demo.title": ("Exempelresor", "Example journeys"),
    "demo.loading": (
        "Läser in exempelresorna i {db} …",
        "Loading the example journeys into {db} …",
    ),
    "demo.next": (
        "Prova: medskapa journey export {id} --format mermaid   ·   medskapa journey list",
        "Try: medskapa journey export {id} --format mermaid   ·   medskapa journey list",
    ),
    "demo.failed": (
        "Exempelresorna har fel; demon stannar här.",
        "The example journeys have errors; the demo stops here.",
    ),
    "demo.designer": ("Designerappen: {url}", "The designer app: {url}"),
    "demo.login": ("Logga in med {email} / {password}", "Sign in with {email} / {password}"),
    "demo.citizen": (
        "Testa som invånare ({version}): {url}  – eller skanna QR-koden med mobilen:",
        "Test as a citizen ({version}): {url}  – or scan the QR code with your phone:",
    ),
    "serve.starting": (
        "Startar Medskapa på {url} (bygger webbsidorna först, några sekunder) …",
        "Starting Medskapa on {url} (building the web pages first, a few seconds) …",
    ),
    "error.no_files": ("Ange minst en fil.", "Give at least one file."),
    "error.unexpected": (
        "Något gick fel: {error}. Kör igen med --verbose för detaljer.",
        "Something went wrong: {error}. Run again with --verbose for details.",
    ),
    # designer app
    "app.name": ("Medskapa", "Medskapa"),
    "nav.journeys": ("Resor", "Journeys"),
    "nav.settings": ("Inställningar", "Settings"),
    "nav.signout": ("Logga ut", "Sign out"),
    "nav.skip": ("Hoppa till innehållet", "Skip to content"),
    "nav.home_label": ("Medskapa – resor", "Medskapa – journeys"),
    "nav.main_label": ("Huvudmeny", "Main menu"),
    "settings.token_placeholder": (
        "Uppföljning socialnämnden",
        "Follow-up for the social committee",
    ),
    "lang.toggle": ("In English", "På svenska"),
    "common.loading": ("Hämtar …", "Loading …"),
    "common.back": ("Tillbaka", "Back"),
    "common.not_found": (
        "Resan finns inte. Den kan ha tagits bort.",
        "The journey does not exist. It may have been removed.",
    ),
    "journeys.title": ("Resor", "Journeys"),
    "journeys.lead": (
        "En resa är en e-tjänst sedd från invånaren. Öppna en resa för att se resekartan, "
        "publicera en testversion och dela den med en QR-kod.",
        "A journey is an e-service seen from the citizen. Open a journey to see its map, "
        "publish a test version and share it with a QR code.",
    ),
    "journeys.none": (
        "Inga resor ännu. Importera en YAML-fil nedan.",
        "No journeys yet. Import a YAML file below.",
    ),
    "journeys.import": ("Importera en resa", "Import a journey"),
    "journeys.import_hint": (
        "Välj en resefil i YAML eller JSON. Den kontrolleras först; en fil med fel sparas inte.",
        "Choose a journey file in YAML or JSON. It is checked first; a file with errors is "
        "not saved.",
    ),
    "journeys.choose": ("Välj fil", "Choose file"),
    "journeys.upload": ("Importera", "Import"),
    "journeys.imported": ("Importerad: {title}", "Imported: {title}"),
    "journeys.imported_from": (
        "{title} från {organisation} (licens {licence}; ursprunget sparas i resan)",
        "{title} from {organisation} (licence {licence}; the origin is kept in the journey)",
    ),
    "journeys.not_imported": (
        "Filen importerades inte. Rätta felen nedan och försök igen.",
        "The file was not imported. Fix the errors below and try again.",
    ),
    "journeys.no_file": ("Välj en fil att importera", "Choose a file to import"),
    "journeys.export": ("Exportera", "Export"),
    "col.versions": ("Versioner", "Versions"),
    "map.title": ("Resekarta", "Journey map"),
    "map.flow": ("Flöde", "Flow"),
    "map.versions": ("Versioner", "Versions"),
    "map.share": ("Dela och QR", "Share and QR"),
    "map.click_hint": (
        "Klicka på ett steg för att se innehåll, frågor och regler.",
        "Click a step to see its content, questions and rules.",
    ),
    "map.lane": ("Aktör", "Actor"),
    "map.end": ("Slut", "End"),
    "map.branches": ("vägval", "branches"),
    "map.questions": ("frågor", "questions"),
    "map.insights": ("Insikter", "Insights"),
    "map.edit": ("Redigera", "Edit"),
    "map.nav_label": ("Resans sidor", "The journey's pages"),
    "map.question": ("fråga", "question"),
    "map.step": ("steg", "step"),
    "map.branch": ("vägval", "branch"),
    "step.preview_frame": (
        "Förhandsvisning av steget i mobilen",
        "Preview of the step on a phone",
    ),
    "map.steps": ("steg", "steps"),
    "insights.title": ("Insikter", "Insights"),
    "insights.version": ("Version", "Version"),
    "insights.share": ("Delningslänk", "Share link"),
    "insights.age": ("Åldersgrupp", "Age band"),
    "insights.all": ("Alla", "All"),
    "insights.measure": ("Färga efter", "Colour by"),
    "insights.heat": ("Värmekarta", "Heat map"),
    "insights.funnel": ("Tratt", "Funnel"),
    "insights.table": ("Tabell", "Table"),
    "insights.compare": ("Jämför versioner", "Compare versions"),
    "insights.compare_with": ("Jämför med", "Compare with"),
    "insights.no_versions": (
        "Resan har ingen publicerad version än. Publicera en version under Versioner och dela "
        "den, så syns testernas siffror här.",
        "The journey has no published version yet. Publish one under Versions and share it, "
        "and the testers' figures show here.",
    ),
    "insights.live": (
        "Siffrorna uppdateras medan testet pågår.",
        "The figures refresh while the test is running.",
    ),
    "insights.updated": ("Senast uppdaterad", "Last updated"),
    "insights.click_hint": (
        "Klicka på ett steg för att se allt som hör till det.",
        "Click a step to see everything mapped onto it.",
    ),
    "insights.reached": ("nådde", "reached"),
    "insights.drop_off": ("avhopp", "drop-off"),
    "insights.errors": ("fel", "errors"),
    "insights.rating": ("betyg", "rating"),
    "insights.time": ("tid", "time"),
    "insights.notes": ("lappar", "notes"),
    "insights.note": ("lapp", "note"),
    "insights.step": ("Steg", "Step"),
    "insights.comments": ("Kommentarer", "Comments"),
    "insights.no_comments": ("Inga kommentarer på steget.", "No comments on the step."),
    "insights.workshop_notes": ("Från workshoppar", "From workshops"),
    "insights.no_notes": (
        "Inga lappar från workshoppar på steget.",
        "No workshop notes on the step.",
    ),
    "insights.failing_fields": ("Frågor som ger fel", "Fields that fail"),
    "insights.no_failing": ("Inga valideringsfel.", "No validation errors."),
    "insights.field": ("Fråga", "Field"),
    "insights.message": ("Felmeddelande", "Message"),
    "insights.count": ("Antal", "Count"),
    "insights.figures": ("Siffror", "Figures"),
    "insights.hide": ("Dölj", "Hide"),
    "insights.show": ("Visa igen", "Show again"),
    "insights.hidden": ("Dold", "Hidden"),
    "insights.votes": ("röster", "votes"),
    "insights.sessions": ("sessioner", "sessions"),
    "insights.metric": ("Mått", "Figure"),
    "insights.old": ("Förut", "Before"),
    "insights.new": ("Nu", "Now"),
    "insights.change": ("Ändring", "Change"),
    "insights.n_old": ("n förut", "n before"),
    "insights.n_new": ("n nu", "n now"),
    "insights.verdict": ("Bedömning", "Verdict"),
    "insights.better": ("bättre", "better"),
    "insights.worse": ("sämre", "worse"),
    "insights.same": ("utan säker skillnad", "without a clear difference"),
    "insights.compare_needs_two": (
        "Jämförelsen behöver två publicerade versioner.",
        "The comparison needs two published versions.",
    ),
    "insights.tag": ("Tagga", "Tag"),
    "insights.untag": ("Ta bort tagg", "Remove tag"),
    "insights.download": ("Ladda ner", "Download"),
    "insights.reset": ("Återställ deltagardata", "Reset participant data"),
    "insights.reset_link": (
        "Raderar alla testsessioner från den valda delningslänken. Länken och QR-koden fungerar "
        "som förut.",
        "Deletes every test session from the chosen share link. The link and its QR code keep "
        "working.",
    ),
    "insights.reset_all": (
        "Raderar alla testsessioner från versionen, från alla länkar. Välj en delningslänk "
        "ovan för att bara radera den länkens.",
        "Deletes every test session of the version, from all its links. Choose a share link "
        "above to delete only that link's.",
    ),
    "insights.reset_title": ("Återställ deltagardata?", "Reset participant data?"),
    "insights.reset_type": (
        "Skriv radera för att bekräfta",
        "Type radera (Swedish for delete) to confirm",
    ),
    "insights.reset_confirm": ("Radera testdata", "Delete test data"),
    "insights.reset_cancel": ("Avbryt", "Cancel"),
    "step.preview": ("Förhandsvisning", "Preview"),
    "step.fields": ("Frågor", "Questions"),
    "step.leads_to": ("Leder till", "Leads to"),
    "step.explanation": ("Förklaring till invånaren", "Explanation to the citizen"),
    "step.close": ("Stäng", "Close"),
    "step.kind": ("Typ", "Kind"),
    "step.channel": ("Kanal", "Channel"),
    "step.actor": ("Aktör", "Actor"),
    "step.phase": ("Fas", "Phase"),
    "flow.title": ("Flöde: vem går vart, och när", "Flow: who goes where, and when"),
    "flow.alt": (
        "Flödesschema över resans steg och vägval; samma vägval står i tabellen nedanför.",
        "Flow diagram of the journey's steps and branches; the same branches are in the "
        "table below.",
    ),
    "flow.table": ("Alla vägval", "All branches"),
    "flow.from": ("Från", "From"),
    "flow.to": ("Till", "To"),
    "flow.when": ("När", "When"),
    "flow.outcome": ("Utfall", "Outcome"),
    "versions.title": ("Versioner", "Versions"),
    "versions.lead": (
        "En version är en låst kopia av resan som invånare testar. Ändringar efter "
        "publiceringen syns först i nästa version.",
        "A version is a locked copy of the journey that citizens test. Changes after "
        "publishing show up in the next version.",
    ),
    "versions.note": ("Vad är nytt i den här versionen?", "What is new in this version?"),
    "versions.note_hint": ("Till exempel: kortare formulär", "For example: shorter form"),
    "versions.publish": ("Publicera version", "Publish version"),
    "versions.published": ("Version {number} är publicerad.", "Version {number} is published."),
    "versions.none": ("Inga versioner ännu.", "No versions yet."),
    "versions.changes": ("Ändringar", "Changes"),
    "versions.number": ("Version", "Version"),
    "versions.date": ("Datum", "Date"),
    "versions.author": ("Av", "By"),
    "versions.share": ("Dela", "Share"),
    "share.title": ("Dela och QR-koder", "Share and QR codes"),
    "share.lead": (
        "En delningslänk öppnar en version för test. Ge den en etikett så att du kan följa "
        "upp till exempel en skolklass för sig.",
        "A share link opens a version for testing. Give it a label so that you can follow "
        "up e.g. one school class on its own.",
    ),
    "share.version": ("Version", "Version"),
    "share.label": ("Etikett", "Label"),
    "share.label_hint": ("Till exempel: Klass 9B eller Seniorträffen", "For example: Class 9B"),
    "share.task": ("Uppgift till testarna (valfri)", "Task for the testers (optional)"),
    "share.task_hint": (
        "Till exempel: Du har fått ett brev om … Ansök om …",
        "For example: You have received a letter about … Apply for …",
    ),
    "share.success": ("Uppgiften är klar när testaren når steget", "The task is done at step"),
    "share.expires": ("Sista dag (valfri)", "Last day (optional)"),
    "share.under13": (
        "Testare under 13 år får delta (vårdnadshavares samtycke är intygat av ledaren)",
        "Testers under 13 may take part (guardian consent attested by the facilitator)",
    ),
    "share.create": ("Skapa delningslänk", "Create share link"),
    "share.created": ("Delningslänken är skapad.", "The share link is created."),
    "share.none": (
        "Inga delningslänkar ännu. Publicera en version först och skapa sedan en länk.",
        "No share links yet. Publish a version first, then create a link.",
    ),
    "share.none_yet": (
        "Inga delningslänkar ännu. Skapa en länk med formuläret ovan.",
        "No share links yet. Create one with the form above.",
    ),
    "share.qr_alt": ("QR-kod för ", "QR code for "),
    "share.success_short": ("Slutpunkt", "Success step"),
    "share.no_success": (
        "ingen vald, så insikterna kan inte visa om uppgiften klarades",
        "none chosen, so insights cannot show whether the task was done",
    ),
    "share.no_versions": (
        "Publicera en version innan du kan dela resan.",
        "Publish a version before you can share the journey.",
    ),
    "share.revoke": ("Stäng länken", "Revoke"),
    "share.revoked": ("Stängd", "Revoked"),
    "share.expired": ("Utgången", "Expired"),
    "share.active": ("Öppen", "Open"),
    "share.png": ("Ladda ner PNG", "Download PNG"),
    "share.svg": ("Ladda ner SVG", "Download SVG"),
    "share.sheet": ("Utskriftsark A4", "A4 print sheet"),
    "share.code": ("Kod", "Code"),
    "share.status": ("Status", "Status"),
    "share.url": ("Adress", "Address"),
    "share.none_selected": ("Ingen", "None"),
    "settings.title": ("Inställningar", "Settings"),
    "settings.org": ("Organisationens namn", "Organisation name"),
    "settings.colour": ("Färg (till invånarsidorna)", "Colour (for the citizen pages)"),
    "settings.save": ("Spara", "Save"),
    "settings.saved": ("Sparat.", "Saved."),
    "settings.org_title": ("Organisation", "Organisation"),
    "settings.tokens": ("API-nycklar", "API tokens"),
    "settings.tokens_hint": (
        "Nycklar till det öppna API:t (/api/v1) för kommunens egen uppföljning. Skicka "
        "nyckeln som: Authorization: Bearer NYCKEL. Den visas bara en gång, när den skapas.",
        "Tokens for the open API (/api/v1) for the municipality's own follow-up. Send the "
        "token as: Authorization: Bearer TOKEN. It is shown once, when it is created.",
    ),
    "settings.token_name": ("Vad nyckeln används till", "What the token is for"),
    "settings.token_create": ("Skapa nyckel", "Create token"),
    "settings.token_created": (
        "Kopiera nyckeln nu och spara den säkert: den visas inte igen.",
        "Copy the token now and keep it safe: it is not shown again.",
    ),
    "settings.token_copy": ("Kopiera", "Copy"),
    "settings.token_copied": ("Kopierad.", "Copied."),
    "settings.token_done": ("Klar, dölj nyckeln", "Done, hide the token"),
    "settings.token_revoke": ("Återkalla", "Revoke"),
    "settings.token_revoked": ("Återkallad", "Revoked"),
    "settings.token_active": ("Aktiv", "Active"),
    "settings.token_none": ("Inga nycklar ännu.", "No tokens yet."),
    "settings.token_col_name": ("Namn", "Name"),
    "settings.token_col_created": ("Skapad", "Created"),
    "settings.token_last_used": ("Senast använd", "Last used"),
    "settings.token_never_used": ("Aldrig använd", "Never used"),
    "settings.token_col_by": ("Skapad av", "Created by"),
    "settings.token_col_status": ("Status", "Status"),
    "settings.tokens_designers": (
        "Bara designer kan skapa och återkalla nycklar.",
        "Only designers can create and revoke tokens.",
    ),
    # workshops (facilitator)
    "nav.workshops": ("Workshoppar", "Workshops"),
    "workshops.title": ("Workshoppar", "Workshops"),
    "workshops.lead": (
        "En workshop samlar människor kring en resa: de går med med en kod eller QR-kod på "
        "sin egen mobil, sätter lappar på stegen och prickröstar. Planera agendan här och "
        "kör workshoppen från dess sida.",
        "A workshop gathers people around a journey: they join with a code or QR code on "
        "their own phone, put notes on the steps and dot-vote. Plan the agenda here and run "
        "the workshop from its page.",
    ),
    "workshops.none": ("Inga workshoppar ännu.", "No workshops yet."),
    "workshops.no_journeys": (
        "Importera en resa först: en workshop handlar alltid om en resa.",
        "Import a journey first: a workshop is always about a journey.",
    ),
    "workshops.new": ("Ny workshop", "New workshop"),
    "workshops.journey": ("Resa", "Journey"),
    "workshops.version": ("Version", "Version"),
    "workshops.title_field": ("Rubrik", "Title"),
    "workshops.title_hint": (
        "Till exempel: Workshop med pensionärsrådet",
        "For example: Workshop with the pensioners' council",
    ),
    "workshops.date": ("Datum", "Date"),
    "workshops.state": ("Läge", "State"),
    "workshops.code": ("Kod", "Code"),
    "workshops.participants": ("Deltagare", "Participants"),
    "workshops.projector": ("Projektorvy", "Projector view"),
    "workshops.under13": (
        "Deltagare under 13 år får vara med (vårdnadshavares samtycke är intygat av ledaren)",
        "Participants under 13 may take part (guardian consent attested by the facilitator)",
    ),
    "workshops.agenda": ("Agenda", "Agenda"),
    "workshops.agenda_hint": (
        "Lägg till aktiviteterna i den ordning ni gör dem. Du kan flytta och ta bort dem "
        "innan du skapar workshoppen.",
        "Add the activities in the order you will do them. You can move and remove them "
        "before you create the workshop.",
    ),
    "workshops.agenda_empty": ("Agendan är tom än så länge.", "The agenda is empty so far."),
    "workshops.add_activity": ("Lägg till en aktivitet", "Add an activity"),
    "workshops.kind": ("Aktivitet", "Activity"),
    "workshops.activity_title": ("Rubrik (valfri)", "Title (optional)"),
    "workshops.activity_title_hint": (
        "Utan rubrik heter den som aktiviteten, till exempel Prickröstning.",
        "Without a title it is called after the activity, e.g. Dot vote.",
    ),
    "workshops.prompt": ("Instruktion till deltagarna (valfri)", "Instruction (optional)"),
    "workshops.prompt_hint": (
        "Till exempel: Var i resan blir det krångligt?",
        "For example: Where in the journey does it get difficult?",
    ),
    "workshops.votes": ("Röster per person", "Votes per person"),
    "workshops.vote_on": ("Rösta på", "Vote on"),
    "workshops.on_notes": ("Lappar", "Notes"),
    "workshops.on_steps": ("Steg i resan", "Steps of the journey"),
    "workshops.share_link": ("Delningslänk att testa", "Share link to test"),
    "workshops.no_links": (
        "Resan har ingen öppen delningslänk för den valda versionen. Skapa en på resans "
        "sida Dela och QR först.",
        "The journey has no open share link for the chosen version. Create one on the "
        "journey's Share and QR page first.",
    ),
    "workshops.question": ("Frågan", "The question"),
    "workshops.add": ("Lägg till i agendan", "Add to the agenda"),
    "workshops.up": ("Upp", "Up"),
    "workshops.down": ("Ner", "Down"),
    "workshops.remove": ("Ta bort", "Remove"),
    "workshops.create": ("Skapa workshoppen", "Create the workshop"),
    "workshops.created": ("Workshoppen {title} är skapad.", "The workshop {title} is created."),
    "workshops.bad_date": (
        "Ange vilken dag workshoppen är, till exempel 2026-03-12.",
        "Give the day of the workshop, for example 2026-03-12.",
    ),
    "workshops.empty_agenda": (
        "Lägg till minst en aktivitet i agendan innan du skapar workshoppen.",
        "Add at least one activity to the agenda before you create the workshop.",
    ),
    "run.not_found": (
        "Workshoppen finns inte. Den kan ha tagits bort.",
        "The workshop does not exist. It may have been removed.",
    ),
    "run.all": ("Alla workshoppar", "All workshops"),
    "run.projector": ("Öppna projektorvyn", "Open the projector view"),
    "run.join_with": ("Gå med på mobilen med koden", "Join on your phone with the code"),
    "run.qr_alt": ("QR-kod för att gå med i workshoppen", "QR code to join the workshop"),
    "run.controls": ("Styr workshoppen", "Run the workshop"),
    "run.open": ("Öppna workshoppen", "Open the workshop"),
    "run.close": ("Avsluta workshoppen", "End the workshop"),
    "run.current": ("Pågår nu", "Now"),
    "run.no_activity": ("Ingen aktivitet har börjat", "No activity has started"),
    "run.previous": ("Föregående", "Previous"),
    "run.next": ("Nästa aktivitet", "Next activity"),
    "run.lock": ("Pausa inmatningen", "Pause input"),
    "run.unlock": ("Släpp inmatningen", "Resume input"),
    "run.locked": ("Inmatningen är pausad", "Input is paused"),
    "run.reveal": ("Visa resultatet", "Reveal results"),
    "run.conceal": ("Dölj resultatet", "Hide results"),
    "run.revealed": ("Resultatet visas", "Results are shown"),
    "run.timer": ("Timer", "Timer"),
    "run.stop_timer": ("Stoppa timern", "Stop the timer"),
    "run.agenda": ("Agenda", "Agenda"),
    "run.now": ("Nu", "Now"),
    "run.go_to": ("Gå hit", "Go here"),
    "run.participation": ("Deltagande", "Participation"),
    "run.joined": ("har gått med", "joined"),
    "run.active": ("är aktiva", "active"),
    "run.notes": ("lappar", "notes"),
    "run.votes": ("röster", "votes"),
    "run.vote": ("röst", "vote"),
    "run.note": ("lapp", "note"),
    "run.on_step": ("på steget", "on the step"),
    "run.results": ("Resultat", "Results"),
    "run.no_votes": ("Inga röster ännu.", "No votes yet."),
    "run.answers": ("Svar på frågan", "Answers to the question"),
    "run.no_answers": ("Inga svar ännu.", "No answers yet."),
    "run.live_notes": ("Lappar på stegen", "Notes on the steps"),
    "run.live_hint": (
        "Nya lappar dyker upp här direkt. Dölj det som inte hör hemma här, rätta sorten "
        "och slå ihop dubbletter på samma steg (från olika steg: längst ner).",
        "New notes appear here at once. Hide what does not belong, correct the kind and "
        "merge duplicates on the same step (from different steps: at the bottom).",
    ),
    "run.no_notes": ("Inga lappar ännu.", "No notes yet."),
    "run.hidden": ("Dold", "Hidden"),
    "run.hide": ("Dölj", "Hide"),
    "run.unhide": ("Visa igen", "Show again"),
    "run.change_kind": ("Sort av lapp", "Kind of note"),
    "run.merge_into": ("Slå ihop med lappen", "Merge into the note"),
    "run.merge": ("Slå ihop", "Merge"),
    "run.merged": ("Lapparna är sammanslagna.", "The notes are merged."),
    "run.merge_many": ("Slå ihop lappar från olika steg", "Merge notes from different steps"),
    "run.merge_many_hint": (
        "Kryssa i lappar som säger samma sak, välj vilken text som står kvar och på vilket "
        "steg. Rösterna följer med; den som har röstat på flera av dem behåller en röst.",
        "Tick notes that say the same thing, choose the text to keep and the step it belongs "
        "on. Votes move along; someone who voted for several of them keeps one vote.",
    ),
    "run.merge_pick": ("Lappar att slå ihop", "Notes to merge"),
    "run.merge_keep": ("Texten som står kvar", "The text to keep"),
    "run.merge_step": ("På steget", "On the step"),
    "run.up": ("Upp", "Up"),
    "run.down": ("Ner", "Down"),
    "run.edit": ("Ändra", "Edit"),
    "run.remove": ("Ta bort", "Remove"),
    "run.save": ("Spara", "Save"),
    "run.cancel": ("Avbryt", "Cancel"),
    "run.saved": ("Aktiviteten är ändrad.", "The activity is changed."),
    "run.added": ("Aktiviteten är tillagd sist i agendan.", "The activity is added last."),
    "run.removed": ("Aktiviteten är borttagen ur agendan.", "The activity is removed."),
    "run.votes_number": (
        "Ange hur många röster varje deltagare får, som en siffra.",
        "Give the number of votes each participant gets, as a number.",
    ),
    "run.votes_hint": (
        "Fler röster går alltid. Färre går bara ner till det flesta någon redan har lagt.",
        "More votes are always possible; fewer only down to the most anyone has cast.",
    ),
    "run.send": ("Skicka lapparna till resan", "Send the notes to the journey"),
    "run.report": ("Rapport", "Report"),
    "run.sent_one": (
        "1 lapp finns nu på resans steg.",
        "1 note is now on the journey's steps.",
    ),
    "run.sent": (
        "{count} lappar finns nu på resans steg.",
        "{count} notes are now on the journey's steps.",
    ),
    "projector.not_started": (
        "Workshoppen har inte börjat än.",
        "The workshop has not started yet.",
    ),
    "projector.closed": ("Workshoppen är avslutad. Tack!", "The workshop has ended. Thank you!"),
    "projector.paused": (
        "Paus: vänta med nya lappar och röster.",
        "Pause: hold new notes and votes for now.",
    ),
    "projector.joined": ("har gått med", "joined"),
    "projector.notes": ("lappar", "notes"),
    "projector.test_with": ("Testa prototypen på mobilen", "Test the prototype on your phone"),
    "projector.test_qr_alt": (
        "QR-kod som öppnar prototypen",
        "QR code that opens the prototype",
    ),
    "hint.did_you_mean": (" Menade du '{name}'?", " Did you mean '{name}'?"),
    "history.link": ("Historik", "History"),
    "history.title": ("Historik", "History"),
    "history.lead": (
        "Varje sparning är en revision. Jämför två revisioner eller återställ en äldre: det "
        "blir en ny revision, och inget i historiken försvinner.",
        "Every save is a revision. Compare two revisions or restore an older one: that makes a "
        "new revision, and nothing in the history is lost.",
    ),
    "history.revision": ("Revision", "Revision"),
    "history.when": ("När", "When"),
    "history.who": ("Vem", "Who"),
    "history.change": ("Ändring", "Change"),
    "history.actions": ("Gör", "Actions"),
    "history.current": ("Nuvarande", "Current"),
    "history.compare_previous": ("Jämför med föregående", "Compare with previous"),
    "history.restore": ("Återställ", "Restore"),
    "history.compare_heading": ("Jämför två revisioner", "Compare two revisions"),
    "history.from": ("Från revision", "From revision"),
    "history.to": ("Till revision", "To revision"),
    "history.compare": ("Jämför", "Compare"),
    "history.compared": ("Ändringar från", "Changes from"),
    "history.same": (
        "Revisionerna har samma innehåll.",
        "The revisions have the same content.",
    ),
    "history.added": ("Nya steg", "Steps added"),
    "history.removed": ("Borttagna steg", "Steps removed"),
    "history.changed": ("Ändrade steg", "Steps changed"),
    "history.reordered": ("Stegen har fått en ny ordning.", "The steps are in a new order."),
    "history.other": ("Annat som ändrats", "Other changes"),
    "history.yaml": ("Visa ändringarna i YAML", "Show the changes in YAML"),
    "history.choose_two": (
        "Välj två revisioner som finns i listan och tryck på Jämför.",
        "Choose two revisions from the list and press Compare.",
    ),
    "history.confirm_title": ("Återställ revision", "Restore revision"),
    "history.confirm_body": (
        "Resan får innehållet från den revisionen som en ny revision. Inget i historiken "
        "försvinner, så du kan ångra genom att återställa igen.",
        "The journey gets that revision's content as a new revision. Nothing in the history "
        "is lost, so you can undo by restoring again.",
    ),
    "history.confirm": ("Ja, återställ", "Yes, restore"),
    "history.cancel": ("Avbryt", "Cancel"),
    "history.restored": (
        "Revision {number} är återställd som revision {new}.",
        "Revision {number} is restored as revision {new}.",
    ),
    "history.already": (
        "Resan har redan innehållet från revision {number}; inget nytt sparades.",
        "The journey already has the content of revision {number}; nothing new was saved.",
    ),
    "history.no_revision": (
        "Det finns ingen revision {number}. Välj en revision i listan.",
        "There is no revision {number}. Choose a revision from the list.",
    ),
    "history.back_to_map": ("Tillbaka till resekartan", "Back to the journey map"),
    "map.try": ("Prova utkastet", "Try the draft"),
    "map.copy_step": ("Kopiera steg från en annan resa", "Copy a step from another journey"),
    "map.licence": ("Licens", "Licence"),
    "map.origin": ("Ursprung", "Origin"),
    "copy.title": ("Kopiera ett steg", "Copy a step"),
    "copy.lead": (
        "Hämta ett steg eller mönster från en annan resa, till exempel en som en annan kommun "
        "har delat. Frågor och vägar följer med; det som inte passar här säger vi till om.",
        "Bring in a step or pattern from another journey, for example one another municipality "
        "has shared. Questions and ways on come along; we say what did not fit here.",
    ),
    "copy.source": ("Resa att kopiera från", "Journey to copy from"),
    "copy.step": ("Steg att kopiera", "Step to copy"),
    "copy.after": ("Lägg in efter", "Insert after"),
    "copy.last": ("Sist i resan", "Last in the journey"),
    "copy.button": ("Kopiera steget", "Copy the step"),
    "copy.choose_source": (
        "Välj vilken resa du vill kopiera från.",
        "Choose the journey to copy from.",
    ),
    "copy.choose_step": ("Välj vilket steg du vill kopiera.", "Choose the step to copy."),
    "copy.no_sources": (
        "Det finns inga andra resor att kopiera från. Importera en först.",
        "There are no other journeys to copy from. Import one first.",
    ),
    "copy.done": (
        "Steget ”{title}” är kopierat som {id} (revision {revision}).",
        "The step ”{title}” is copied as {id} (revision {revision}).",
    ),
    "copy.edit": ("Öppna steget i redigeraren", "Open the step in the editor"),
    "copy.check": ("Kontrollera det här:", "Check this:"),
    "copy.nothing_leads": (
        "Inget steg leder till det nya steget än. Välj i redigeraren vart det ska nås ifrån.",
        "No step leads to the new step yet. Choose in the editor where it is reached from.",
    ),
    "copy.summary": ("Det här steget", "This step"),
}


def pick(pair: tuple[str, str], lang: Lang) -> str:
    """The Swedish or English half of a pair (English only when asked for)."""
    return pair[1] if lang == "en" else pair[0]


def translator(table: Mapping[str, tuple[str, str]], lang: Lang) -> Callable[..., str]:
    """``_(key, **values)`` in ``lang`` over ``table``: the string formatted with ``values``
    (a string given no values is returned as written). The citizen and workshop pages' own
    tables are read through this."""

    def translate(key: str, **values: object) -> str:
        text = pick(table[key], lang)
        return text.format(**values) if values else text

    return translate


def t(key: str, lang: Lang = "sv", /, **values: Any) -> str:
    """The string for ``key`` in ``lang`` with ``values`` filled in."""
    return pick(STRINGS[key], lang).format(**values)
