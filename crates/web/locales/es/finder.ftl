# Los valores codificados del buscador de clínicas en palabras (tratamientos, formas de pago, idiomas, accesibilidad,
# horario), sus filtros, los enlaces para ampliar la búsqueda, los errores de búsqueda y el mapa, en español.

offer-esketamine-nasal = Esketamina en aerosol nasal (SPRAVATO)
offer-iv-ketamine = Infusión de ketamina (intravenosa)
offer-im-ketamine = Inyección de ketamina (intramuscular)
offer-oral-ketamine = Ketamina oral o en pastilla para disolver en la boca
offer-kap = Psicoterapia asistida con ketamina
offer-tms = EMT (estimulación magnética transcraneal)
offer-ect = TEC (terapia electroconvulsiva)

payment-private-insurance = Seguro médico privado
payment-medicare = Medicare
payment-medicaid = Medicaid
payment-self-pay = Pago por cuenta propia
payment-sliding-scale = Tarifas según ingresos
payment-military = Militar (TRICARE, VA)

# Idiomas que las clínicas suelen indicar; cualquier otro conserva su nombre en inglés de la lista ISO 639-1.
language-en = Inglés
language-es = Español
language-zh = Chino
language-vi = Vietnamita
language-tl = Tagalo
language-ar = Árabe
language-fr = Francés
language-ko = Coreano
language-ru = Ruso
language-ht = Criollo haitiano
language-pt = Portugués
language-pl = Polaco
language-de = Alemán
language-it = Italiano
language-hi = Hindi
language-ja = Japonés
language-fa = Persa
language-ur = Urdu
language-bn = Bengalí
language-pa = Panyabí
language-gu = Guyaratí
language-uk = Ucraniano
language-el = Griego
language-he = Hebreo
language-so = Somalí
language-am = Amárico
language-km = Jemer
language-hy = Armenio

access-handiaccess = Accesible para personas con discapacidad
access-adacomp = Cumple las normas de la Ley de Estadounidenses con Discapacidades (ADA)
access-pubtrans = Se puede llegar en transporte público
access-cultcomp = Ofrece atención culturalmente competente
access-other = Otras características de accesibilidad: pregunte a la clínica

day-mon = lun
day-tue = mar
day-wed = mié
day-thu = jue
day-fri = vie
day-sat = sáb
day-sun = dom
clock-am = a. m.
clock-pm = p. m.
clock-noon = mediodía
clock-midnight = medianoche
hours-open-now = Abierto ahora
hours-closed-now = Cerrado ahora

find-radius-any = Cualquier distancia
find-radius-miles = { $n } millas
find-chip-radius = A menos de { $n } millas
find-chip-ketamine = Cualquier atención con ketamina o esketamina
find-chip-payment = Forma de pago: { $label }
find-chip-telehealth = Ofrece telemedicina
find-chip-language = Habla { $label }
find-chip-accepting = Acepta pacientes nuevos
find-wider-radius = Buscar a menos de { $n } millas
find-wider-any = Buscar a cualquier distancia
find-wider-drop = Quitar el filtro: { $label }
find-not-verified = todavía sin verificar

# Problemas de búsqueda.
find-error-place = No encontramos ese lugar: { $label }. Revise la ortografía o pruebe con un código postal.
find-error-radius = No se puede hacer esta búsqueda: la distancia debe ser un número de millas mayor que 0.
find-error-search = No se puede hacer esta búsqueda: { $label }
find-place-empty = escriba un código postal (12345), «Ciudad, ST» o «latitud,longitud»
find-place-zip = «{ $entered }» no es un código postal de 5 cifras
find-place-unknown-zip = el código postal { $entered } no está en los datos de códigos postales de KetaPath
find-place-coordinates = «{ $entered }» no se puede leer como coordenadas (latitud,longitud)
find-place-state = el estado en «{ $entered }» no es un código de estado o territorio de EE. UU. (como OH)
find-place-unknown-city = no hay ningún lugar llamado «{ $entered }» en los datos de códigos postales de KetaPath
find-place-unrecognized = «{ $entered }» no se puede leer como un lugar: escriba un código postal (12345), «Ciudad, ST» o «latitud,longitud»
find-search-near = el lugar o las coordenadas no se pueden usar
find-search-radius = la distancia no es un número de millas mayor que 0
find-search-language = KetaPath no conoce el idioma elegido
find-search-offers = KetaPath no conoce uno de los tratamientos elegidos
find-search-payment = KetaPath no conoce una de las formas de pago elegidas
find-search-other = una parte de la dirección no es válida; por favor, empiece una nueva búsqueda

map-title-origin = Mapa de las clínicas alrededor del punto de búsqueda
map-title = Mapa de las clínicas
map-origin = Punto de búsqueda
map-origin-at = Punto de búsqueda en { $label }.
map-origin-outside = El punto de búsqueda está fuera del área del mapa.
map-shown = { $n ->
    [one] Se muestra { $n } clínica, numerada como en la lista de resultados.
   *[other] Se muestran { $n } clínicas, numeradas como en la lista de resultados.
    }
map-not-shown = { $n ->
    [one] { $n } clínica de la lista está fuera del área del mapa.
   *[other] { $n } clínicas de la lista están fuera del área del mapa.
    }
map-north = N
map-south = S
map-east = E
map-west = O

# El botón opcional "Usar mi ubicación" del script del buscador, que las lee de la página.
find-locate = Usar mi ubicación
find-locating = Buscando su ubicación…
find-locate-failed = Su ubicación no está disponible. Por favor, escriba un código postal o una ciudad.
