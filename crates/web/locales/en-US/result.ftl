## The self-check result's sentences, one message per code the clinical engine gives (crates/clinical:
## TrialNote, Discuss, FindingDetail) and per condition. The English must equal the engine's own English, which the
## JSON API serves: a test in `pages/check/sentences.rs` compares them.

## Notes on a past treatment.
note-read-as = "{ $entered }" read as { $drug }
note-earlier-episode = taken in an earlier episode of depression: reported, but not counted, because treatment-resistant depression is about the current episode
note-augmentation-entry = augmentation entry: reported, but not counted as an antidepressant trial
note-augmentation-only = { $drug } is in the dose table only as an augmentation agent: reported, but not counted as an antidepressant trial
note-unknown-drug = unknown drug "{ $entered }": it is not in the minimum-dose table, so adequacy cannot be judged
note-not-in-table = "{ $entered }" is not in the minimum-dose table, so its dose cannot be checked
note-dose-missing = dose not given: the minimum for { $drug } is { $min } mg/day, so adequacy cannot be judged
note-dose-meets = dose { $dose } mg/day meets the { $min } mg/day minimum for { $drug }
note-dose-below = dose { $dose } mg/day is below the { $min } mg/day minimum for { $drug }
note-weeks-missing = duration not given: at least { $min } weeks are needed, so adequacy cannot be judged
note-weeks-meet = { $weeks ->
        [1] 1 week
       *[other] { $weeks } weeks
    } meets the { $min }-week minimum
note-weeks-short = { $weeks ->
        [1] 1 week
       *[other] { $weeks } weeks
    } is shorter than the { $min }-week minimum
note-improvement-none = improvement under 25%: counts as a failed trial
note-partial-failed = partial improvement (25-49%): counts as a failed trial
note-partial-not-failed = partial improvement (25-49%): not counted as failed, because this clinic counts only improvement under 25%
note-response = improvement of 50% or more (response): not a failed trial
note-improvement-unknown = improvement not known: whether the trial failed cannot be judged
note-listed-times = { $drug } is listed { $times } times: the drug counts once, by its strongest entry ({ $entry })

## What to discuss with a clinician.
discuss-crisis = Tell a clinician today about the thoughts of death or self-harm you reported, so they can ask about them with you.
discuss-trd-meets = Your answers describe at least { $required } antidepressants taken in this episode of depression at an adequate dose for long enough without enough improvement, which is how treatment-resistant depression is usually defined: ask a clinician whether ketamine or esketamine treatment is worth considering.
discuss-trd-possible = Some details of your past antidepressant treatments are missing or unclear (the drug, dose, length or result): bring the names, doses and dates to a clinician so they can judge which trials were adequate.
discuss-trd-no-trials = You did not list antidepressants taken in this episode of depression: bring the names, doses and dates of any you have taken to a clinician, because ketamine and esketamine are usually considered after at least two antidepressants have not helped enough in the current episode.
discuss-trd-not-met = Your answers do not show { $required } antidepressants that were taken in this episode of depression at an adequate dose for long enough without helping enough: ask a clinician which treatment options fit your history.
discuss-phq9-total = Share your PHQ-9 total of { $total } ({ $severity ->
        [minimal] minimal
        [mild] mild
        [moderate] moderate
        [moderately_severe] moderately severe
        [severe] severe
       *[other] { $severity }
    }) with a clinician.
discuss-bring-summary = Bring this summary to a clinician: it is not a diagnosis or a treatment decision, and only a clinician can say whether a treatment fits you.

## What in the answers raised a caution.
detail-bp-at-or-above = blood pressure { $systolic }/{ $diastolic } mmHg is at or above { $limit_systolic }/{ $limit_diastolic }
detail-bp-above = blood pressure { $systolic }/{ $diastolic } mmHg is above { $limit_systolic }/{ $limit_diastolic }
detail-age-under = age { $age } is under { $limit }
detail-age-from = age { $age } is { $limit } or over

## The cautions set from age and blood pressure (the ticked conditions' labels are in check.ftl).
condition-elevated_blood_pressure = Blood pressure above 140/90 in the reading given
condition-hypertensive_crisis_range = Blood pressure in the hypertensive-crisis range (180/120 or higher) in the reading given
condition-age_under_18 = Under 18 years old
condition-age_65_and_over = 65 years old or over

## What to discuss about each condition, and its source in plain words.
condition-aneurysmal_vascular_disease-discuss = Tell a clinician about the aneurysm: the esketamine label lists it as a contraindication, because a rise in blood pressure could be dangerous.
condition-aneurysmal_vascular_disease-source = label contraindication 1; 2019 SPRAVATO prescribing information
condition-arteriovenous_malformation-discuss = Tell a clinician about the arteriovenous malformation: the esketamine label lists it as a contraindication, because a rise in blood pressure could be dangerous.
condition-arteriovenous_malformation-source = label contraindication 1; 2019 SPRAVATO prescribing information
condition-intracerebral_hemorrhage-discuss = Tell a clinician about the past bleed in the brain: the esketamine label lists it as a contraindication.
condition-intracerebral_hemorrhage-source = label contraindication 2; 2019 SPRAVATO prescribing information
condition-hypersensitivity_esketamine_ketamine-discuss = Tell a clinician about the allergic reaction to esketamine or ketamine: the label lists it as a contraindication.
condition-hypersensitivity_esketamine_ketamine-source = label contraindication 3; 2019 SPRAVATO prescribing information
condition-hypertension-discuss = Discuss your blood pressure with a clinician: esketamine and ketamine raise it for a few hours, and it is checked before and after each dose.
condition-hypertension-source = 2019 prescribing information §5.6: BP above 140/90 as a general guide
condition-hypertensive_encephalopathy_history-discuss = Tell a clinician about the past hypertensive encephalopathy: the label calls for closer monitoring.
condition-hypertensive_encephalopathy_history-source = 2019 prescribing information §5.6
condition-cardiovascular_disease-discuss = Discuss your heart or blood-vessel condition with a clinician: the label asks for a careful assessment before treatment, because blood pressure rises after each dose.
condition-cardiovascular_disease-source = 2019 prescribing information §5.6
condition-cerebrovascular_disease-discuss = Discuss the condition of the blood vessels in your brain with a clinician: the label asks for a careful assessment before treatment.
condition-cerebrovascular_disease-source = 2019 prescribing information §5.6
condition-psychosis-discuss = Discuss any history of psychosis with a clinician: the label asks for a careful assessment of benefit and risk first.
condition-psychosis-source = 2019 prescribing information §5.2
condition-substance_use_disorder-discuss = Discuss any substance use with a clinician: esketamine and ketamine can be misused, and the label asks for an assessment of that risk before treatment.
condition-substance_use_disorder-source = 2019 prescribing information §5.3
condition-pregnancy-discuss = Discuss pregnancy or pregnancy plans with a clinician: esketamine is not recommended in pregnancy.
condition-pregnancy-source = SPRAVATO (esketamine) label: embryo-fetal toxicity
condition-breastfeeding-discuss = Discuss breastfeeding with a clinician: the label advises against breastfeeding during treatment.
condition-breastfeeding-source = embryo-fetal toxicity; 2019 prescribing information §17
condition-cystitis-discuss = Tell a clinician about any bladder inflammation or urinary symptoms: cystitis is listed in the label's safety information.
condition-cystitis-source = SPRAVATO (esketamine) label: ulcerative or interstitial cystitis, ISI list
condition-cns_depressants-discuss = Bring a list of sedating medicines and your alcohol use to a clinician: they add to the sedation and breathing effects.
condition-cns_depressants-source = SPRAVATO (esketamine) label: drug interactions: CNS depressants; respiratory depression
condition-psychostimulants-discuss = Tell a clinician about any stimulant medicines: together with esketamine they can raise blood pressure further.
condition-psychostimulants-source = SPRAVATO (esketamine) label: drug interactions: psychostimulants
condition-maoi-discuss = Tell a clinician about any MAO inhibitor: together with esketamine it can raise blood pressure further.
condition-maoi-source = SPRAVATO (esketamine) label: drug interactions: MAOIs
condition-elevated_blood_pressure-discuss = Discuss the blood-pressure reading with a clinician: above 140/90 the label asks for benefit and risk to be weighed before a dose.
condition-elevated_blood_pressure-source = 2019 prescribing information §5.6: above 140/90 as a general guide
condition-hypertensive_crisis_range-discuss = Wait a few minutes and measure your blood pressure again. If it is still 180/120 or higher, contact a clinician today. Call 911 at once if you also have chest or back pain, shortness of breath, numbness or weakness, a change in vision or difficulty speaking (American Heart Association).
condition-hypertensive_crisis_range-source = American Heart Association: a reading of 180/120 mm Hg or greater
condition-age_under_18-discuss = Discuss age with a clinician: esketamine is approved for adults, and antidepressant trials showed more suicidal thoughts and behaviours under 18.
condition-age_under_18-source = SPRAVATO (esketamine) label: adults
condition-age_65_and_over-discuss = Discuss age with a clinician: some labels start people aged 65 and over on a lower dose, and blood-pressure rises were larger with age.
condition-age_65_and_over-source = SPRAVATO (esketamine) label: 28 mg start at 65 and over outside the US; US dosing unverified

## The self-check form's messages for values outside the engine's ranges. The English pages show the engine's own
## sentence; these say the same for the other languages.
error-trial-dose-range = Medicine { $n }, dose: please write a number of milligrams a day above 0 and up to { $max }, or leave it empty.
error-trial-weeks-range = Medicine { $n }, weeks: please write a number of weeks from 0 to { $max }, or leave it empty.
error-trial-row = Medicine { $n }: please check what you entered in this row.
error-condition = Please choose the conditions from the list.
error-systolic-range = Please enter the upper number as a whole number of mmHg from { $min } to { $max }.
error-diastolic-range = Please enter the lower number as a whole number of mmHg from { $min } to { $max }.
error-bp-order = The lower number must be lower than the upper number: were the values swapped?
error-episode-range = Please enter a number of months from 0 to { $max }, or leave it empty.
error-age-range = Please enter your age as a whole number of years from 0 to { $max }, or leave it empty.

## Sending the summary: the page of a clinic that has had its daily share of summaries, and the sent page.
send-sending-to = Sending to
send-sending-rest = { $address }. The clinic reads its KetaPath inbox and will contact you. Nothing is sent until you tick the box at the end and press the button.
send-clinic-page = page
send-clinic-says-how = says how.
full-heading = { $clinic } cannot take more summaries through KetaPath today
full-not-sent-before = Your summary was
full-not-sent = not sent
full-not-sent-after = : { $clinic } has received as many self-check summaries through KetaPath today as it can read. Nothing you typed was kept.
full-call = Please call the clinic instead:
full-contact-before = Please contact the clinic directly: its
full-try-tomorrow = You can try this clinic again tomorrow, or
full-find-other = find other clinics near you
sent-received-both = { $clinic } has received your self-check summary, your phone number and your e-mail address.
sent-received-phone = { $clinic } has received your self-check summary and your phone number.
sent-received-email = { $clinic } has received your self-check summary and your e-mail address.
sent-contact-both = { $clinic } will contact you by phone or e-mail. Clinics read their KetaPath inbox on working days, so this may take a few working days.
sent-contact-phone = { $clinic } will contact you by phone. Clinics read their KetaPath inbox on working days, so this may take a few working days.
sent-contact-email = { $clinic } will contact you by e-mail. Clinics read their KetaPath inbox on working days, so this may take a few working days.
sent-reach-call = To reach { $clinic } yourself, call
sent-reach-page = To reach { $clinic } yourself, its
sent-kept-nothing = KetaPath kept nothing else: the clinic's copy is the only one, and your IP address was not recorded. No cookie was set. The clinic decides with you whether a treatment suits you; this summary is something to talk about, not a decision.

## The send page's messages, in English too: the code names them by id (`FieldError::coded`).
error-send-nul = Please remove the invisible NUL character from this field.
error-send-name-long = Please shorten your name to at most { $max } characters.
error-send-name-control = Please remove the line breaks and control characters from your name.
error-send-name-invisible = Your name holds only invisible characters: please write it with visible letters, or leave it empty.
error-send-contact = Please give a phone number or an e-mail address (or both), so that the clinic can reach you.
error-send-phone = Please enter a phone number of 7 to 15 digits, for example 555-010-0123 or +1 555 010 0123.
error-send-email = Please enter an e-mail address like name@example.org.
error-send-message-long = Please shorten your message to at most { $max } characters (it has { $n }).
error-send-consent = Please tick the box to agree to send this summary and your contact details, or go back.
error-send-place = We could not find that place. Check the spelling, or try a ZIP code.
error-send-choose-clinic = Please choose the clinic to send your summary to.
error-send-not-receiving = Please choose a clinic from the list: the one chosen does not receive self-check summaries through KetaPath.

## The self-check summary as the send page previews it and the clinic's inbox shows it.
summary-level-emergency = Emergency: the person may act on thoughts of self-harm
summary-level-urgent = Urgent: thoughts of being better off dead or of self-harm (question 9)
summary-level-none = No crisis flag raised by these answers (this is not a risk assessment)
summary-trd-meets = Matches the usual definition of treatment-resistant depression (at least { $required } antidepressants at an adequate dose and length that did not help enough)
summary-trd-possible = May match the usual definition of treatment-resistant depression: some doses, durations or results are missing or unclear
summary-trd-no-trials = No antidepressants listed
summary-trd-not-met = The answers do not show the usual definition of treatment-resistant depression
summary-language-es = Self-check answered in Spanish
summary-language-en = Self-check answered in English
summary-months = { $months } months
summary-crisis-level = Crisis level
summary-acting = Thinking about acting on thoughts of self-harm
summary-done-on = Self-check done on
summary-language = Language
summary-phq9-total = PHQ-9 total
summary-item9 = PHQ-9 question 9
summary-trd = Treatment-resistant depression
summary-trd-counts = Antidepressants that clearly count: { $clear }; counting those with missing details: { $possible }.
summary-age = Age
summary-bp = Blood pressure
summary-episode = This period of depression
summary-answers = PHQ-9 answers
summary-trials = Antidepressants listed
summary-col-helped = Helped?
summary-written-as = written as { $entered }
summary-contraindications = Esketamine label contraindications ticked:
summary-cautions = Cautions:
summary-no-conditions = None of the listed conditions ticked.
summary-discuss = To discuss:
summary-in-english = The clinic receives this same summary in English.
