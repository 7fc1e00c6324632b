# The page about ketamine and esketamine care (/about), in English, one message per heading, paragraph or list item.

about-1 = About ketamine and esketamine care
about-2 = A plain-language summary written for KetaPath. It is not medical advice: it is here to help you have a better conversation with a clinician. Each section names its sources; the full list is <a href="#sources">at the end</a>.
about-3 = On this page
about-4 = <a href="#trd">What “treatment-resistant depression” means</a>
about-5 = <a href="#what">What ketamine and esketamine are</a>
about-6 = <a href="#different">How they differ from usual antidepressants</a>
about-7 = <a href="#supervision">Why only under supervision</a>
about-8 = <a href="#long-term">What is known, and not known, about the long term</a>
about-9 = <a href="#not-suit">Who they may not suit</a>
about-10 = <a href="#sources">Sources</a>
about-11 = What “treatment-resistant depression” means
about-12 = Treatment-resistant depression (TRD) has no single agreed definition. The most common one in research requires that <strong>at least two antidepressant treatments</strong> have not worked, each taken at an <strong>adequate dose for an adequate length of time</strong>. A review for the US Agency for Healthcare Research and Quality found no consensus on what “adequate” means. The US label for esketamine speaks of depression with an inadequate response to at least two oral antidepressants of adequate dose and duration in the current episode.
about-13 = “Not worked” usually means less than 25% or less than 50% improvement, depending on the definition. A treatment stopped before about four weeks, without clear signs that it was not helping, is usually not counted as a failure.
about-14 = Sources: Gaynes et al. 2020; Sforzini et al. 2022; Canadian expert consensus 2021 (clinical reference §1.1).
about-15 = What ketamine and esketamine are
about-16 = <strong>Esketamine</strong> (brand name SPRAVATO®) is a nasal spray. The US Food and Drug Administration approved it in March 2019 for adults with treatment-resistant depression, together with an oral antidepressant; since January 2025 it may also be used on its own. It is also approved for depressive symptoms in adults with acute suicidal thoughts or behavior, which does not replace a hospital stay when one is needed.
about-17 = <strong>Ketamine</strong> is an anesthetic. It is approved as an anesthetic, not for depression, so clinics that give it for depression (most often as an infusion into a vein, over about 40 minutes) do so “off label”.
about-18 = Sources: SPRAVATO approval history and label (clinical reference §3.1); Andrade 2017 and Parikh et al. 2021 (§4.2).
about-19 = How they differ from usual antidepressants
about-20 = Common antidepressants such as SSRIs (for example sertraline or escitalopram) act mainly on the serotonin system, are taken every day at home, and usually need several weeks before their effect can be judged.
about-21 = Ketamine and esketamine act on a different messenger system in the brain, glutamate: they block a receptor for it called the NMDA receptor. In studies some people felt better within <strong>hours to days</strong> rather than weeks; most studies measured the effect in the first week after a single infusion. In one study of six infusions over 12 days, about 7 in 10 people responded, and among them the median time before symptoms returned was 18 days.
about-22 = They are not taken at home. Each dose is given, or self-given under direct observation, in a clinic.
about-23 = Sources: Sanacora et al. 2017 (clinical reference §4.1); Murrough et al. 2013 (§4.3); SPRAVATO REMS (§3.7).
about-24 = Why only under supervision
about-25 = Both medicines can cause <strong>sedation</strong> (sleepiness: half or more of people given esketamine in trials), <strong>dissociation</strong> (feeling detached from yourself or your surroundings: six or more in ten), a <strong>rise in blood pressure</strong>, and, rarely, <strong>slowed breathing</strong>. For esketamine the FDA requires a safety program (a REMS):
about-26 = It is never dispensed for use at home. You use the spray in a certified clinic while a health professional watches.
about-27 = You are <strong>monitored for at least 2 hours</strong> after each dose, and until sedation, dissociation and any breathing problems have resolved. A prescriber must be on site, and breathing is checked with a pulse oximeter.
about-28 = <strong>Blood pressure</strong> is measured before the dose and about 40 minutes after it, when the rise usually peaks; it can last about 4 hours.
about-29 = You should not drive or operate machinery until the next day after a restful sleep, so someone needs to take you home.
about-30 = For ketamine infusions, the American Society of Anesthesiologists advises that ketamine be given only by trained professionals with monitoring and the means to rescue, and warns against home or unmonitored use.
about-31 = Sources: SPRAVATO prescribing information and REMS (clinical reference §3.4, §3.6, §3.7, §3.8); ASA guidance 2025 (§4.5).
about-32 = What is known, and not known, about the long term
about-33 = The evidence for ketamine is strongest for major depressive episodes without psychotic features. The American Psychiatric Association's research task force wrote in 2017 that most studies “have examined the effects of less than 1 month of treatment” and that “there are extremely limited published data on the longer-term effectiveness and safety.”
about-34 = The effect of a single course often fades within weeks, which is why esketamine continues with weekly or every-other-week doses after the first month, and why its label asks that the benefit be checked at the end of the first four weeks. A single dose of esketamine briefly reduced thinking performance in healthy volunteers; long-term effects on thinking and memory are not well studied.
about-35 = Sources: Sanacora et al. 2017 (clinical reference §4.1); Murrough et al. 2013 (§4.3); SPRAVATO dosing and warnings (§3.2, §3.6).
about-36 = Who they may not suit
about-37 = The esketamine label says it must <strong>not</strong> be used by people with:
about-38 = aneurysmal vascular disease (a bulging blood vessel, in the aorta, the brain or elsewhere) or an arteriovenous malformation;
about-39 = a history of bleeding in the brain (intracerebral hemorrhage);
about-40 = an allergy to esketamine, ketamine or any of the other ingredients.
about-41 = Other situations call for extra care and a careful talk about benefits and risks: high blood pressure (as a general guide above 140/90) or heart and blood-vessel disease; pregnancy or breastfeeding; psychosis; a history of substance use; use of other medicines that cause sleepiness (such as benzodiazepines, opioids or alcohol) or that raise blood pressure (such as stimulants or MAOIs); and bladder inflammation (cystitis). As with all antidepressants, young people need close watching for suicidal thoughts.
about-42 = These are things to talk through with a clinician, not a verdict. KetaPath never tells you that you are or are not eligible.
about-43 = Sources: SPRAVATO contraindications and warnings (clinical reference §3.3, §3.5, §3.6).
about-44 = Sources
about-45 = Section numbers refer to KetaPath's clinical reference, which records each fact with its source and how well it is confirmed.
about-46 = §1.1: Gaynes BN et al. Defining treatment-resistant depression. Depression and Anxiety 2020;37(2):134–145. Sforzini L et al. Molecular Psychiatry 2022 (EU-PEARL Delphi consensus). Canadian expert consensus, Depression and Anxiety 2021;38(4):456–467.
about-47 = §3.1–§3.8: SPRAVATO® (esketamine) nasal spray US prescribing information (2019) and Important Safety Information; FDA SPRAVATO REMS (last updated 31 December 2024).
about-48 = §4.1: Sanacora G et al. A consensus statement on the use of ketamine in the treatment of mood disorders. JAMA Psychiatry 2017;74(4):399–405.
about-49 = §4.2: Andrade C. Journal of Clinical Psychiatry 2017;78(7):e852–e857. Parikh SV et al. Psychopharmacology Bulletin 2021;51(3):109–124.
about-50 = §4.3: Murrough JW et al. Rapid and longer-term antidepressant effects of repeated ketamine infusions. Biological Psychiatry 2013;74(4):250–256.
about-51 = §4.5: American Society of Anesthesiologists. Guidance on the safe use of ketamine outside of acute pain management and procedural sedation, February 2025.
