# The public pages' shared layout (header, navigation, footer) and the home page, in English.
# Every message here has its Spanish counterpart in es/main.ftl (the catalogue test checks both ways).

meta-description = KetaPath: find supervised ketamine and esketamine care for treatment-resistant depression, and learn what to ask a clinician.
skip-link = Skip to main content
crisis-line = <strong>In crisis?</strong> <a href="tel:988">Call 988</a> or
    <a href="sms:988">text 988</a> · <a href="sms:741741?&amp;body=HOME">Text HOME to 741741</a> ·
    <a href="tel:911">Call 911</a> in danger
nav-label = Main
nav-home = Home
nav-find = Find a clinic
nav-check = Self-check
nav-about = About ketamine care
demo-banner = <strong>Demo site:</strong> every clinic here is invented.
footer-not-advice = <strong>KetaPath informs; it is not medical advice.</strong> Decisions about treatment belong to you and your clinician.
footer-sources = Sources: SPRAVATO® (esketamine) US prescribing information and FDA REMS (last updated 31 Dec 2024);
    Sanacora et al., JAMA Psychiatry 2017 (APA consensus on ketamine); Gaynes et al., Depression and Anxiety 2020 (TRD definitions);
    Murrough et al., Biological Psychiatry 2013; American Society of Anesthesiologists guidance, 2025.
footer-details = Details and section references:
footer-open = KetaPath is open source and loads nothing from other sites: no trackers, no web fonts, no analytics.
footer-list-clinic = Run a clinic that offers this care and is not in the finder?
footer-list-clinic-link = List your clinic

home-title = Find supervised ketamine care
home-heading = Supervised ketamine and esketamine care, explained and easier to find
home-lead = When depression has not eased after trying at least two antidepressants, ketamine or esketamine may be worth
    discussing with a clinician. Both are given only under professional supervision. KetaPath helps you find where, and helps you
    prepare what to ask.
home-ways = Two ways in
home-find-text = Search near you by treatment (esketamine nasal spray, IV ketamine and others), insurance and payment, language, and
    telehealth. Each listing shows when it was last checked.
home-check-link = Check whether to ask about ketamine
home-check-text = A short, anonymous self-check: the PHQ-9 questionnaire, the antidepressants you have tried, and health conditions that
    matter. You get a printable summary to take to a clinician. Nothing you enter is stored.
home-will-not = What KetaPath will not do
home-not-eligible = Tell you that you are eligible or not eligible. Only a clinician who knows you can decide that.
home-not-keep = Keep your answers. The self-check is computed and forgotten; nothing goes into a web address or a log.
home-not-crisis = Replace crisis help. If you are thinking about ending your life, call or text 988 now.
home-read-about = Read how ketamine and esketamine work, why they need supervision, and what is still unknown.

error-not-found = Page not found
error-not-found-text = There is no page at this address.
error-method = This action is not possible here
error-method-text = The page exists, but not for this kind of request.
error-timeout = This took too long
error-timeout-text = Please try again in a moment.
error-internal = Something went wrong on our side
error-internal-text = Please try again later.
error-other = The request could not be handled
error-home = Go to the KetaPath home page
error-address = Address requested:
error-reference = Reference for support:
