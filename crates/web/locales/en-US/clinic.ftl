# A clinic's page (/clinics/{id}): the report reasons, the questions to ask, who verified the listing, the published
# outcomes, the report form's errors and the thank-you page, in English.

report-reason-closed = The clinic has closed or moved
report-reason-wrong-phone = The phone number or website is wrong
report-reason-wrong-address = The address or map position is wrong
report-reason-wrong-offers = The treatments listed are wrong
report-reason-wrong-payment = The payment options are wrong
report-reason-not-accepting = It is not accepting new patients
report-reason-other = Something else
report-error-reason = Please choose what is wrong with this listing.
report-error-nul = Please remove the invisible NUL character from the details.
report-error-long = Please shorten the details to at most { $n } characters.
report-refused = This report did not come from KetaPath's own page, so it was not accepted. Please use the form on the clinic's page.
report-thanks-title = Thank you for your report
report-thanks-text = Your report about <strong>{ $clinic }</strong> has been sent to KetaPath's reviewers, who check listings and correct
    them. We did not ask for and did not keep anything that identifies you.
report-back-clinic = Back to { $clinic }

clinic-question-1 = Which treatments do you offer for treatment-resistant depression, and who decides which suits me?
clinic-question-2 = Who supervises each session, and how long do I stay afterwards before going home?
clinic-question-3 = Is the clinic certified under the SPRAVATO REMS program (for esketamine nasal spray)?
clinic-question-4 = Do you need a referral or my records from my current prescriber?
clinic-question-5 = What does a course of treatment cost, and what will my insurance cover?
clinic-question-6 = How will you measure whether the treatment is helping me?

verified-by-clinic = Verified by the clinic on { $date }
verified-by-ketapath = Verified by KetaPath on { $date }
verified-by-other = Last verified: { $date } ({ $label })
verified-on = Last verified: { $date }
verified-never = Last verified: not yet verified

clinic-outcomes = How treatment went here
clinic-outcomes-hint = Published by the clinic from its consenting patients' records (one course per patient). Observational
    figures from routine care, not a promise: the range is the Wilson 95% confidence interval.
clinic-outcome-line = { $treatment }, measured with { $instrument }: { $patients } patients, { $period }.
    Response { $response }; remission { $remission }. Rule: { $rule }.
clinic-outcome-rule = patients with a baseline score of { $min } or more ({ $baseline }); response: at least { $pct }% fewer points than at baseline ({ $resp_rule }); remission: a score of { $max } or less ({ $remit_rule })
