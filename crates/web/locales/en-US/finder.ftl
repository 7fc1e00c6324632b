# The clinic finder's coded values in words (treatments, payment, languages, accessibility, hours), its filter
# chips, wider-search links, search errors and map, in English. Shared with the clinic page and the portal.

offer-esketamine-nasal = Esketamine nasal spray (SPRAVATO)
offer-iv-ketamine = Ketamine infusion (IV)
offer-im-ketamine = Ketamine injection (IM)
offer-oral-ketamine = Oral or lozenge ketamine
offer-kap = Ketamine-assisted psychotherapy
offer-tms = TMS (transcranial magnetic stimulation)
offer-ect = ECT (electroconvulsive therapy)

payment-private-insurance = Private insurance
payment-medicare = Medicare
payment-medicaid = Medicaid
payment-self-pay = Self-pay
payment-sliding-scale = Sliding-scale fees
payment-military = Military (TRICARE, VA)

# Languages a listing names often, as the shipped ISO 639-1 list names them (a test compares); any other keeps
# that list's name.
language-en = English
language-es = Spanish
language-zh = Chinese
language-vi = Vietnamese
language-tl = Tagalog
language-ar = Arabic
language-fr = French
language-ko = Korean
language-ru = Russian
language-ht = Haitian
language-pt = Portuguese
language-pl = Polish
language-de = German
language-it = Italian
language-hi = Hindi
language-ja = Japanese
language-fa = Persian
language-ur = Urdu
language-bn = Bengali
language-pa = Panjabi
language-gu = Gujarati
language-uk = Ukrainian
language-el = Greek
language-he = Hebrew
language-so = Somali
language-am = Amharic
language-km = Khmer
language-hy = Armenian

access-handiaccess = Accessible to people with disabilities
access-adacomp = Meets the Americans with Disabilities Act (ADA) standards
access-pubtrans = Reachable by public transport
access-cultcomp = Offers culturally competent care
access-other = Other accessibility features: ask the clinic

day-mon = Mon
day-tue = Tue
day-wed = Wed
day-thu = Thu
day-fri = Fri
day-sat = Sat
day-sun = Sun
clock-am = am
clock-pm = pm
clock-noon = noon
clock-midnight = midnight
hours-open-now = Open now
hours-closed-now = Closed now

find-radius-any = Any distance
find-radius-miles = { $n } miles
find-chip-radius = Within { $n } miles
find-chip-ketamine = Any ketamine or esketamine care
find-chip-payment = Payment: { $label }
find-chip-telehealth = Offers telehealth
find-chip-language = Speaks { $label }
find-chip-accepting = Accepting new patients
find-wider-radius = Search within { $n } miles
find-wider-any = Search at any distance
find-wider-drop = Drop the filter: { $label }
find-not-verified = not yet verified

# Search problems. English pages show the directory's own reason after the first sentence; the Spanish ones name it
# with the messages after it.
find-error-place = We could not find that place: { $label }. Check the spelling, or try a ZIP code.
find-error-radius = This search cannot be run: the distance must be a number of miles above 0.
find-error-search = This search cannot be run: { $label }
find-place-empty = give a ZIP code (12345), "City, ST" or "lat,lon"
find-place-zip = "{ $entered }" is not a ZIP code of 5 digits
find-place-unknown-zip = ZIP { $entered } is not in the shipped ZIP data
find-place-coordinates = "{ $entered }" cannot be read as coordinates (latitude,longitude)
find-place-state = the state in "{ $entered }" is not a USPS state or territory code (such as OH)
find-place-unknown-city = there is no place named "{ $entered }" in the shipped ZIP data
find-place-unrecognized = "{ $entered }" cannot be read as a place: give a ZIP code (12345), "City, ST" or "lat,lon"
find-search-near = the place or coordinates cannot be used
find-search-radius = the distance is not a number of miles above 0
find-search-language = the language chosen is not one KetaPath knows
find-search-offers = a treatment chosen is not one KetaPath knows
find-search-payment = a way to pay chosen is not one KetaPath knows
find-search-other = a part of the address is not valid; please start a new search

map-title-origin = Map of the clinics around the search origin
map-title = Map of the clinics
map-origin = Search origin
map-origin-at = Search origin at { $label }.
map-origin-outside = The search origin is outside the mapped area.
map-shown = { $n ->
    [one] { $n } clinic shown, numbered as in the result list.
   *[other] { $n } clinics shown, numbered as in the result list.
    }
map-not-shown = { $n ->
    [one] { $n } listed is outside the mapped area.
   *[other] { $n } listed are outside the mapped area.
    }
map-north = N
map-south = S
map-east = E
map-west = W

# The optional "Use my location" button of the finder's script, which reads these from the page.
find-locate = Use my location
find-locating = Finding your location…
find-locate-failed = Your location is not available. Please type a ZIP code or town instead.
