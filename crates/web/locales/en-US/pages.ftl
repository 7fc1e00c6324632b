# The registry (/registry), the clinic listing request (/list-your-clinic) and the self-report page (/r/{token}), with
# the figures they share with a clinic's page (treatments of the registry, rates, periods), in English.

modality-esketamine-nasal = Esketamine nasal spray (SPRAVATO)
modality-iv-ketamine = IV ketamine infusion
modality-im-ketamine = IM ketamine injection
modality-oral-ketamine = Oral ketamine
rate-interval = { $rate }% (95% CI { $low }–{ $high }%)
rate-of = { $label }, { $n } of { $total }
period = { $first } to { $last }

registry-title = Registry: outcomes of consenting patients
registry-heading = Registry: how treatment went for consenting patients
registry-lead = Figures from the clinics that use KetaPath, over the patients who agreed to research use of their
    de-identified records, as of { $date }. Any figure about fewer than 11 patients is not shown, so that no one can be
    singled out. These are observational data from routine care, not a trial: they describe what happened, not what will
    happen to you.
registry-patients = Consenting patients: { $label }.
registry-outcomes = Response and remission
registry-outcomes-hint = One course per patient: the first course of each treatment with a baseline and a later score. Response and
    remission follow the named rules; the range after each rate is its Wilson 95% confidence interval. A patient whose
    baseline score was already low (for the PHQ-9, below 10, as in the national depression remission measure CMS159) has
    no change to assess and is not counted.
registry-no-course = No course has enough records yet.
registry-col-treatment = Treatment
registry-col-scale = Scale
registry-col-patients = Patients
registry-col-period = Period
registry-col-response = Response
registry-col-remission = Remission
registry-col-time = Time to first response
registry-col-durability = Durability of response
registry-col-counted = Counted
registry-col-rules = Rules
registry-charts = Charts
registry-charts-hint = Each chart also states its figures in words for screen readers.
registry-chart-response = Response over time: { $label }
registry-chart-durability = Durability of response: { $label }
registry-events = Adverse events
registry-sessions = Sessions: { $label }.
registry-col-event = Event
registry-col-rate = Rate
registry-gate = Blood-pressure checks before dosing
registry-gate-blocked = Sessions where the blood-pressure gate blocked dosing:
registry-gate-overridden = Blocks a prescriber overrode:
registry-rules = Rules used
registry-rules-text = How the figures are defined: KetaPath's research data dictionary, which names each figure's source and how it is
    counted.
registry-fewer = fewer than { $n } patients
registry-no-responders = no responders
registry-median-days = median { $n } days (IQR { $low }–{ $high })
registry-durability-not-reached = { $n } responders; median not reached
registry-durability-median = { $n } responders; median { $label } days
registry-counted = baseline { $n } or more
registry-events-count = { $n } events
registry-events-rate = { $rate } per 100 sessions ({ $n } events, { $patients } patients)
registry-no-sessions = no sessions

list-title = List your clinic
list-lead = KetaPath lists clinics that offer supervised ketamine or esketamine care, free of charge. If your clinic is not in
    the <a href="{ $label }">clinic finder</a>, send this request. A member of the KetaPath team checks it (the NPI, the
    address, the REMS certification you claim) before anything is published; nothing you send here is public until
    then.
list-clinic = The clinic
list-name = Clinic name
list-street = Street address
list-city = City
list-state = State
list-choose = Choose one
list-zip = ZIP code
list-phone = Phone patients call
list-website = Website (optional, starting with https://)
list-phone-short = Phone
list-website-short = Website
list-offers = Treatments offered
list-rems = The clinic is certified under the SPRAVATO (esketamine) REMS program
list-organisation = The organisation and a contact
list-npi = Organisation NPI
list-npi-hint = The clinic's 10-digit National Provider Identifier (type 2, from NPPES).
list-contact-name = Your name
list-contact-email = Your e-mail address
list-email-hint = Once the listing is approved, this address becomes the clinic's first portal account, where you keep the listing up to date.
list-no-patients = Please send nothing about patients.
list-send = Send the request
list-request = The request
list-error-nul = { $label }: remove the invisible NUL character
# What to fix in a refused request. The English page shows the care crate's own message after the field's label and
# code; the Spanish page shows these, which say the same per field.
list-fix-line = { $label }: this is required, on one line.
list-fix-state = State: choose the clinic's state (a two-letter code such as OH).
list-fix-zip = ZIP code: enter the clinic's five-digit US ZIP code.
list-fix-phone = Phone: enter the US phone number patients call, with its area code (10 digits).
list-fix-website = Website: enter an address starting with https://, or leave it empty.
list-fix-offers = Treatments offered: choose at least one treatment the clinic offers.
list-fix-npi = Organisation NPI: this is not a valid NPI. The organisation's 10-digit National Provider Identifier (NPPES) fails
    its check digit; check it for a typing error.
list-fix-email = Your e-mail address: enter an e-mail address such as name@clinic.org.
list-fix-other = { $label }: please check this entry.
list-refused = This request did not come from KetaPath's own page, so it was not accepted. Please use the form at /list-your-clinic.
list-over-cap-title = Please send your request tomorrow
list-over-cap-text = KetaPath has received as many listing requests today as its team can check, so your request for
    <strong>{ $clinic }</strong> was not kept. Please send it again tomorrow.
list-sent-title = Thank you: your request is in
list-sent-text = Your request to list <strong>{ $clinic }</strong> is waiting for the KetaPath team. What happens next:
list-sent-step-1 = A member of the team checks the organisation's NPI, the address and the treatments, usually within a few working days.
list-sent-step-2 = If the request is approved, the clinic appears in the finder, marked as verified by KetaPath, and the team sends
    you a link to set the password of the clinic's portal account, where you keep the listing up to date.
list-sent-step-3 = If it is declined, the team tells you why.
list-sent-private = Nothing of your request is public before it is approved.

self-report-title = How you have been feeling: a questionnaire from your clinic
self-report-title-errors = Please check your answers. How you have been feeling
self-report-heading = How you have been feeling
self-report-lead = Your clinic asked you to answer these nine questions from home. It takes about two minutes. Your answers
    go only to your clinic, who will look at them with your other results. You can answer once; this link then stops working.
self-report-send = Send my answers to my clinic
self-report-sent-title = Thank you: your answers were sent to your clinic
self-report-help-title = Help is available now. Your answers were sent to your clinic
self-report-911 = If you might act on these thoughts now, call 911 or go to the nearest emergency room.
self-report-clinic-told = Your clinic has been told about your answer to the last question and will contact you. Do not wait for their call if
    you need help now: the services above answer at any hour.
self-report-thanks = Thank you
self-report-thanks-text = Your answers were sent to your clinic. You can close this page. This link has now been used and will not work again.
self-report-used-title = This questionnaire was already sent
self-report-used = These answers were already sent
self-report-used-text = This questionnaire link has been used, and the answers sent first are kept by your clinic. A link works only once.
    If you want to change your answers, please ask your clinic for a new link.
self-report-expired-title = This questionnaire link has expired
self-report-expired = This link has expired
self-report-expired-text = Questionnaire links work for a limited time. Please ask your clinic for a new link.
self-report-invalid = This questionnaire link is not valid
self-report-invalid-text = Please check that you copied the whole link, or ask your clinic for a new one.
self-report-refused = These answers did not come from KetaPath's own page, so they were not accepted. Please open the link
    your clinic gave you and answer there.

# Adverse event types as the registry names them (the code's words).
event-hypertension = hypertension
event-hypotension = hypotension
event-tachycardia = tachycardia
event-bradycardia = bradycardia
event-hypoxia = hypoxia
event-respiratory-depression = respiratory depression
event-sedation = sedation
event-dissociation = dissociation
event-nausea = nausea
event-vomiting = vomiting
event-dizziness = dizziness
event-headache = headache
event-anxiety = anxiety
event-suicidal-ideation = suicidal ideation
event-urinary-symptoms = urinary symptoms
event-other = other

# The registry charts' descriptions (read by screen readers) and axes.
chart-response-intro = Share of patients meeting the response rule, by week after the first treatment.
chart-response-week = Week { $week }: { $rate } (95% CI { $low } to { $high }), { $successes } of { $n }.
chart-week-not-shown = Week { $week }: not shown (fewer than { $threshold } patients).
chart-response-axis = Weeks after first treatment
chart-km-intro = Kaplan–Meier estimate. Time 0: 100%.
chart-km-step = { $time } days: { $rate } (at risk { $at_risk }, events { $events }, censored { $censored }).
chart-km-axis = Time (days)
