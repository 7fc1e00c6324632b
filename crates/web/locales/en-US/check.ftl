# The self-check (steps, result, send to a clinic) and the crisis resources, in English.
# The PHQ-9 texts are the published English PHQ-9 (Pfizer; no permission required to reproduce, translate, display
# or distribute); a test checks that they equal the clinical engine's texts word for word.

## Crisis resources (the engine's words; Spanish in es/check.ftl).
crisis-988-name = 988 Suicide & Crisis Lifeline
crisis-988-contact = Call or text 988
crisis-988-available = 24/7, free and confidential
crisis-988-options = Chat at 988lifeline.org | Veterans: call 988 and press 1, or text 838255 | Spanish: call 988 and press 2 | ASL: use ASL Now on 988lifeline.org
crisis-988-call = Call 988
crisis-988-text = Text 988
crisis-988-chat = Chat at 988lifeline.org
crisis-ctl-name = Crisis Text Line
crisis-ctl-contact = Text HOME to 741741
crisis-ctl-available = 24/7, free
crisis-ctl-options = Canada: text 686868 | UK: text 85258
crisis-ctl-text = Text HOME to 741741
crisis-911-name = Emergency services (911)
crisis-911-contact = Call 911 or go to the nearest emergency department if you are in immediate danger
crisis-911-available = 24/7
crisis-911-options = {""}
crisis-911-call = Call 911
crisis-message-emergency = If you might act on thoughts of ending your life or hurting yourself, get help now: call 911 or go to the nearest emergency department, or call or text 988. If you can, stay with someone you trust.
crisis-message-urgent = You said you have had thoughts that you would be better off dead or of hurting yourself. Please talk to someone today: call or text 988, or text HOME to 741741, and tell a clinician or someone you trust how you feel. If you might act on these thoughts, call 911.
crisis-message-none = A zero on the question about thoughts of death or self-harm does not rule out risk: thoughts can change, and other warning signs still matter. If things get worse, call or text 988 at any time.

## The PHQ-9 (published English text).
phq9-stem = Over the last 2 weeks, how often have you been bothered by any of the following problems?
phq9-item-1 = Little interest or pleasure in doing things
phq9-item-2 = Feeling down, depressed, or hopeless
phq9-item-3 = Trouble falling or staying asleep, or sleeping too much
phq9-item-4 = Feeling tired or having little energy
phq9-item-5 = Poor appetite or overeating
phq9-item-6 = Feeling bad about yourself — or that you are a failure or have let yourself or your family down
phq9-item-7 = Trouble concentrating on things, such as reading the newspaper or watching television
phq9-item-8 = Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual
phq9-item-9 = Thoughts that you would be better off dead, or of hurting yourself in some way
phq9-answer-0 = Not at all
phq9-answer-1 = Several days
phq9-answer-2 = More than half the days
phq9-answer-3 = Nearly every day
phq9-difficulty = If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?
phq9-difficulty-0 = Not difficult at all
phq9-difficulty-1 = Somewhat difficult
phq9-difficulty-2 = Very difficult
phq9-difficulty-3 = Extremely difficult

## The steps.
check-heading = Check whether to ask about ketamine care
check-title-phq9 = Self-check, step 1 of 3: how you have been feeling
check-title-followup = Self-check: a question about your safety
check-title-help-now = Please get help now
check-title-trials = Self-check, step 2 of 3: antidepressants tried in this episode
check-title-about = Self-check, step 3 of 3: your health
check-title-errors = Please check your answers.
check-progress-1 = Step 1 of 3
check-progress-followup = Step 1 of 3, one more question
check-progress-help-now = Before you go on
check-progress-2 = Step 2 of 3
check-progress-3 = Step 3 of 3
check-lead = A few short questions about how you have been feeling, the antidepressants you have tried, and your
    health. It takes about five minutes. At the end you get a summary to print or show a clinician.
check-privacy = <strong>Nothing you enter is stored.</strong> Your answers are sent only to work out your summary,
    then forgotten. They never go into a web address or a log.
check-feeling = How you have been feeling
check-continue = Continue
check-back = Back
check-errors-heading = { $n ->
    [one] Please check this answer
   *[other] Please check these answers
    }
answer-yes = Yes
answer-no = No
check-acting-question = Right now, are you thinking about acting on these thoughts?
check-acting-hint = Whatever you answer, you can go on with the self-check, or stop here and reach out first.
crisis-now-heading = You do not have to face these thoughts alone
crisis-now-text = You said you have had thoughts that you would be better off dead, or of hurting yourself. Thank you for answering
    honestly. Talking to someone now can help. These services answer any time of day or night:
crisis-help-now = Please get help now
crisis-talk-today = Please talk to someone today
crisis-later-heading = If things get worse
check-get-help-now = Get help now
check-help-now-text = You said you are thinking about acting on thoughts of ending your life or hurting yourself. Please reach out now:
    you do not have to go through this alone, and these services answer at any hour.
check-help-now-stay = <strong>If you can, stay with someone you trust</strong> until you have talked to someone.
    If you are in immediate danger, call 911 or go to the nearest emergency department.
check-help-now-continue-hint = When you have reached out and feel safe to go on, you can continue the self-check. Your answers so
    far are kept only on this page.
check-help-now-continue = Continue the self-check
check-trials-heading = Antidepressants you have tried in this episode of depression
check-trials-text = List the antidepressants you have taken in this episode of depression (since your depression last came back or
    began), one per row. Leave the rest of the rows empty. If you do not remember the dose or how long you took it, leave
    that box empty: your summary will say what is not known. Medicines from an earlier episode matter too: bring them to a
    clinician, but they are not counted here.
check-trial-legend = Medicine { $n }
check-trial-drug = Name of the medicine
check-trial-dose = Dose, in mg a day
check-trial-weeks = How many weeks you took it
check-trial-improvement = How much it helped
check-trial-augmentation = I took it to boost another antidepressant (an add-on)
check-add-row = Add another medicine
improvement-unknown = Not sure
improvement-none = Little or not at all (less than 25% better)
improvement-partial = Somewhat (25 to 49% better)
improvement-response = A lot (50% better or more)
check-health-heading = Your health
check-conditions-question = Do any of these apply to you, now or in the past?
check-conditions-hint = Tick all that apply. Leave them all empty if none do.
check-age = Your age in years (optional)
check-bp = Your most recent blood pressure reading (optional)
check-systolic = Upper number (systolic), mmHg
check-diastolic = Lower number (diastolic), mmHg
check-episode = How many months has this period of depression lasted? (optional)
check-see-summary = See my summary

## Form messages (the English ones are written in the form code; these are their catalogue twins).
error-phq9-answer = Question { $n }: please choose one of the four answers.
error-yes-no = Please choose yes or no.
error-trial-drug = Please enter the name of the medicine, or clear this row.
error-trial-dose = Medicine { $n }, dose: please write the milligrams a day as a number, for example 300 or 300 mg, or leave it empty.
error-trial-weeks = Medicine { $n }, weeks: please write the number of weeks as a number, for example 8, or leave it empty.
error-age = Please enter your age in whole years, for example 34, or leave it empty.
error-episode-months = Please enter the number of months, for example 18, or leave it empty.
error-systolic-missing = Please enter the upper number too, or leave both empty.
error-diastolic-missing = Please enter the lower number too, or leave both empty.
error-mmhg = Please enter a number of mmHg, for example 120, or leave both empty.

## Conditions (English labels are the engine's).
condition-aneurysmal_vascular_disease = Aneurysmal vascular disease (an aneurysm of the aorta, or of arteries in the brain or elsewhere)
condition-arteriovenous_malformation = Arteriovenous malformation
condition-intracerebral_hemorrhage = A past bleed inside the brain (intracerebral hemorrhage)
condition-hypersensitivity_esketamine_ketamine = An allergic reaction (hypersensitivity) to esketamine, ketamine or an ingredient of the product
condition-hypertension = High blood pressure
condition-hypertensive_encephalopathy_history = A past hypertensive encephalopathy (brain symptoms from very high blood pressure)
condition-cardiovascular_disease = Heart or blood-vessel disease
condition-cerebrovascular_disease = Disease of the blood vessels of the brain (for example a past stroke)
condition-psychosis = Psychosis now or in the past
condition-substance_use_disorder = A substance use problem now or in the past
condition-pregnancy = Pregnancy or planning a pregnancy
condition-breastfeeding = Breastfeeding
condition-cystitis = Ulcerative or interstitial cystitis (bladder inflammation)
condition-cns_depressants = Taking sedating medicines or alcohol (benzodiazepines, opioids, sleep medicines)
condition-psychostimulants = Taking stimulants (amphetamines, methylphenidate, modafinil, armodafinil)
condition-maoi = Taking an MAO inhibitor (for example phenelzine, tranylcypromine, selegiline)

## The result.
result-title = Your self-check summary
result-date = Self-check done on { $date }. This summary is not a diagnosis and not a treatment decision: it is
    something to bring to a clinician. KetaPath has not kept a copy.
result-score-1 = Your PHQ-9 score is
result-score-of = { $total } out of { $max }
result-score-2 = , which is in the
result-score-3 = {" "}range. The PHQ-9 is a short questionnaire about the last two weeks; a clinician
    uses it together with a conversation, not on its own.
result-item9 = You answered “{ $answer }” to question 9, about thoughts that you would be better off dead or of hurting yourself. Please tell a clinician about this today.
result-counts = Antidepressants that clearly count: { $clear }. Counting those with missing details as well: { $possible }.
result-trials-caption = The antidepressants you listed
result-col-medicine = Medicine
result-col-adequate = Adequate dose and length?
result-col-helped = Did it help?
result-col-notes = Notes
result-you-wrote = you wrote { $entered }
result-add-on = add-on, not counted
result-conditions = Health conditions to talk about
result-no-conditions = You did not tick any of the listed conditions. Before any treatment, tell the clinician about your health and every
    medicine you take: they need the whole picture.
result-contraindications = Listed as contraindications on the esketamine label
result-cautions = Things to weigh carefully with a clinician
result-source = Source:
result-rule-used = Rule used
result-rule = KetaPath rule
result-discuss = What to discuss with a clinician
result-answers = Your answers
result-answers-caption = PHQ-9: over the last 2 weeks, how often have you been bothered by…
result-acting = Thinking about acting on thoughts of self-harm:
result-age = Age:
result-bp = Blood pressure:
result-episode = This period of depression:
result-rules-version = KetaPath rules version
result-next = What you can do next
result-print = To keep this summary, use your browser's Print command (you can print to a PDF). Nothing is saved on KetaPath unless you
    choose to send it to a clinic below.
result-send = Send this summary to a clinic
result-send-text = You can choose to send this summary, with a phone number or e-mail address, to a clinic that receives summaries
    through KetaPath, so that it can contact you. You will see exactly what is sent, and nothing is sent until you agree.
result-change = Change my answers
result-find-esketamine = Clinics offering esketamine nasal spray (SPRAVATO)
result-find-iv = Clinics offering ketamine infusions
result-find-all = All clinics, with every filter
severity-minimal = Minimal
severity-mild = Mild
severity-moderate = Moderate
severity-moderately_severe = Moderately severe
severity-severe = Severe
judgement-yes = Yes
judgement-no = No
judgement-not-enough = Not enough
judgement-unknown = Not known
episode-months = { $months } months ({ $span })
episode-acute = a year or less
episode-subacute = between one and two years
episode-chronic = more than two years
long-date = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
trd-meets = Your past treatments match the usual definition of treatment-resistant depression
trd-meets-text = At least { $n } of the antidepressants you listed for this episode of depression were taken at an adequate dose for long enough and did not help enough. That is how treatment-resistant depression is usually defined, and it is when ketamine or esketamine treatment is usually considered. Whether it suits you is for you and a clinician to decide together.
trd-possible = Your past treatments may match the usual definition of treatment-resistant depression
trd-possible-text = Some details are missing or unclear, such as a dose, how long you took a medicine, or how much it helped. A clinician can go through them with you; bringing the names, doses and dates helps.
trd-no-trials = You did not list any antidepressants
trd-no-trials-text = Ketamine and esketamine are usually considered after at least { $n } antidepressants, each taken at an adequate dose for long enough in the current episode of depression, have not helped enough. When you see a clinician, bring the names, doses and dates of any treatments you have had, so you can talk about every option that may help.
trd-not-met = Your answers do not show the usual definition of treatment-resistant depression
trd-not-met-text = This says nothing about how hard things have been. The usual definition asks for at least { $n } antidepressants in the current episode of depression, each taken at an adequate dose for long enough, that did not help enough. A clinician can go through your history with you and talk about every option that may help.
