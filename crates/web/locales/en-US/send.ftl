# Sending the self-check summary to a clinic, in English.

send-title-clinic = Send your summary to { $clinic }
send-title-choose = Choose a clinic to send your summary to
send-change-clinic = Choose a different clinic
send-reach = How the clinic can reach you
send-name = Your name (optional)
send-contact = A phone number, an e-mail address, or both
send-phone = Phone number
send-email = E-mail address
send-preview = Exactly what will be sent to { $clinic }
send-preview-text = This summary of your self-check, and the name, phone number, e-mail address and message you typed above.
    Not your IP address, and nothing else: KetaPath keeps no other copy of your answers.
send-consent = I agree to send { $clinic } the summary shown above and the contact details and message I typed, so that the clinic can contact me.
send-button = Send my summary to { $clinic }
send-list-intro = Only clinics that read self-check summaries through KetaPath are listed. The clinic you choose receives the
    summary and the contact details you give on the next page, after you agree to send them.
send-place = Your ZIP code (or "City, ST"), to list the nearest clinics first
send-nearest = List the nearest first
send-all = Also list clinics that are not taking new patients now
send-clinics = Clinics that receive self-check summaries
send-accepting = Taking new patients.
send-not-accepting = Not taking new patients now.
send-ketamine = Offers ketamine or esketamine care.
send-no-ketamine = Does not list ketamine or esketamine care.
send-none = No clinic receives summaries through KetaPath yet. You can still print your summary and bring it to a
    clinician.
send-not-listed = Clinics not taking new patients now are not listed. Tick the box above and press "List the nearest first" to see them too.
send-some = Only some clinics are shown. Type your ZIP code or city to list the nearest ones first.
send-continue = Continue with this clinic
send-other = Look for other clinics
send-other-note = they do not receive summaries through KetaPath: print your summary
    and bring it
send-back = Back to my summary
sent-title = Your summary was sent to { $clinic }
sent-next = What happens next
sent-crisis = <strong>If you are in crisis, do not wait for the clinic: call or text
    <a href="tel:988">988</a> now.</strong> If you are in immediate danger, call <a href="tel:911">911</a>.
sent-find = Find other clinics near you
send-title-errors = Please check this page.
send-full-title = { $clinic } cannot take more summaries today
send-errors-heading = { $n ->
    [one] Please check this field
   *[other] Please check these fields
    }
send-message = A short message to the clinic (optional, at most { $n } characters)
send-away = { $distance } away
