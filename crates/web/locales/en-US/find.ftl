# The clinic finder (/find), in English.

find-lead = Clinics that offer supervised ketamine or esketamine care, nearest first. Searching here is anonymous:
    KetaPath keeps no record of what you look for.
find-check-search = Please check your search
find-place = ZIP code or town (for example 10001 or Dayton, OH)
find-coordinates = You can also type coordinates as latitude,longitude.
find-search = Search
find-chips = Filters in use (select one to remove it):
find-remove-filter = remove this filter
find-change-filters = Change the filters
find-none = No clinic in KetaPath matches every part of this search. A wider search may help:
find-new-search = Start a new search
find-no-more = There are no more results on this page.
find-demo-listing = Demo listing
find-treatments = Treatments:
find-payment = Payment:
find-accepting = Accepting new patients
find-not-accepting = Not accepting new patients at last check
find-telehealth = Telehealth available
find-rems = SPRAVATO REMS-certified
find-languages = Languages:
find-phone = Phone:
find-verified = Listing last verified:
find-more-results = More results
find-previous = Previous results
find-next = Next results
find-filters = Filters: distance, treatments, payment, language
find-distance = Distance
find-offers = Treatments offered (the clinic must offer every one you tick)
find-offers-hint = With none ticked, the search shows clinics that offer any ketamine or esketamine care.
find-care-all = With none ticked, also show clinics that offer only TMS or ECT
find-payments = Ways to pay (the clinic must accept every one you tick)
find-other = Other needs
find-telehealth-filter = Offers telehealth appointments
find-language = Language spoken
find-any-language = Any language
find-apply = Apply the filters
find-source = Listings come from clinics and KetaPath's reviewers; always confirm details with the clinic before you go.
    Spotted a mistake? Each clinic's page has a form to report it.
find-found = { $n ->
    [0] No clinics found
    [one] { $n } clinic found
   *[other] { $n } clinics found
    }
find-showing = Showing { $first } to { $last } of { $total }, nearest first. Distances are in a straight line.
find-away = <strong>{ $distance }</strong> away

# A clinic's page.
clinic-back = Back to the clinic finder
clinic-demo-note = This clinic is invented for demonstration. It does not exist.
clinic-glance = At a glance
clinic-payment = Payment accepted:
clinic-plans = Insurance plans accepted:
clinic-not-accepting = Not accepting new patients at the last check
clinic-no-telehealth = No telehealth appointments listed
clinic-rems = Certified under the SPRAVATO (esketamine) REMS program
clinic-not-rems = Not listed as SPRAVATO REMS-certified
clinic-contact = Contact and how to get there
clinic-zip-centroid = The map position is the centre of the ZIP code, not the building.
clinic-osm = See this place on OpenStreetMap
clinic-or = or
clinic-geo = open it in a maps app
clinic-website = Website:
clinic-hours = Opening hours
clinic-local-time = by the listed hours, in the clinic's local time
clinic-summaries = Self-check summaries
clinic-summaries-text = This clinic receives self-check summaries through KetaPath. You can do the anonymous self-check and then choose
    to send your summary and a way to contact you to this clinic; nothing is sent unless you agree at the end.
clinic-start-check = Start the self-check for this clinic
clinic-ask = What to ask the clinic
clinic-if-check = If you did the self-check, you can print its summary and bring it along.
clinic-about-listing = About this listing
clinic-confirm = Details change: please confirm
    them with the clinic before you go.
clinic-report = Report a problem with this listing
clinic-what-wrong = What is wrong?
clinic-choose = Choose one
clinic-details = Details (optional)
clinic-details-hint = What should the listing say instead? Please do not include your name or anything about your health.
clinic-send-report = Send report
