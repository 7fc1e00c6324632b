# El buscador de clínicas (/find), en español.

find-lead = Clínicas que ofrecen atención supervisada con ketamina o esketamina, de la más cercana a la más lejana. Buscar aquí es anónimo:
    KetaPath no guarda ningún registro de lo que busca.
find-check-search = Por favor, revise su búsqueda
find-place = Código postal o ciudad (por ejemplo 10001 o Dayton, OH)
find-coordinates = También puede escribir coordenadas como latitud,longitud.
find-search = Buscar
find-chips = Filtros en uso (elija uno para quitarlo):
find-remove-filter = quitar este filtro
find-change-filters = Cambiar los filtros
find-none = Ninguna clínica de KetaPath cumple con todo lo que pide esta búsqueda. Una búsqueda más amplia puede ayudar:
find-new-search = Empezar una nueva búsqueda
find-no-more = No hay más resultados en esta página.
find-demo-listing = Clínica de demostración
find-treatments = Tratamientos:
find-payment = Formas de pago:
find-accepting = Acepta pacientes nuevos
find-not-accepting = No aceptaba pacientes nuevos en la última revisión
find-telehealth = Telemedicina disponible
find-rems = Certificada en el programa REMS de SPRAVATO
find-languages = Idiomas:
find-phone = Teléfono:
find-verified = Datos verificados por última vez:
find-more-results = Más resultados
find-previous = Resultados anteriores
find-next = Resultados siguientes
find-filters = Filtros: distancia, tratamientos, forma de pago, idioma
find-distance = Distancia
find-offers = Tratamientos que ofrece (la clínica debe ofrecer todos los que marque)
find-offers-hint = Si no marca ninguno, la búsqueda muestra las clínicas que ofrecen cualquier atención con ketamina o esketamina.
find-care-all = Si no marca ninguno, mostrar también las clínicas que solo ofrecen EMT (TMS) o TEC (ECT)
find-payments = Formas de pago (la clínica debe aceptar todas las que marque)
find-other = Otras necesidades
find-telehealth-filter = Ofrece citas por telemedicina
find-language = Idioma que se habla
find-any-language = Cualquier idioma
find-apply = Aplicar los filtros
find-source = Los datos vienen de las clínicas y de los revisores de KetaPath; confirme siempre los detalles con la clínica antes de ir.
    ¿Vio un error? La página de cada clínica tiene un formulario para informarlo.
find-found = { $n ->
    [0] No se encontraron clínicas
    [one] Se encontró { $n } clínica
   *[other] Se encontraron { $n } clínicas
    }
find-showing = Se muestran de la { $first } a la { $last } de { $total }, de la más cercana a la más lejana. Las distancias son en línea recta.
find-away = A <strong>{ $distance }</strong>

# La página de una clínica.
clinic-back = Volver al buscador de clínicas
clinic-demo-note = Esta clínica es inventada para la demostración. No existe.
clinic-glance = De un vistazo
clinic-payment = Formas de pago aceptadas:
clinic-plans = Planes de seguro aceptados:
clinic-not-accepting = No aceptaba pacientes nuevos en la última revisión
clinic-no-telehealth = No indica citas por telemedicina
clinic-rems = Certificada en el programa REMS de SPRAVATO (esketamina)
clinic-not-rems = No figura como certificada en el programa REMS de SPRAVATO
clinic-contact = Contacto y cómo llegar
clinic-zip-centroid = La posición en el mapa es el centro del código postal, no el edificio.
clinic-osm = Ver este lugar en OpenStreetMap
clinic-or = o
clinic-geo = abrirlo en una aplicación de mapas
clinic-website = Sitio web:
clinic-hours = Horario
clinic-local-time = según el horario publicado, en la hora local de la clínica
clinic-summaries = Resúmenes de autoevaluación
clinic-summaries-text = Esta clínica recibe resúmenes de autoevaluación a través de KetaPath. Puede hacer la autoevaluación anónima y luego
    decidir enviar su resumen y una forma de contactarle a esta clínica; no se envía nada a menos que usted acepte al final.
clinic-start-check = Empezar la autoevaluación para esta clínica
clinic-ask = Qué preguntar a la clínica
clinic-if-check = Si hizo la autoevaluación, puede imprimir su resumen y llevarlo.
clinic-about-listing = Sobre estos datos
clinic-confirm = Los detalles cambian: por favor, confírmelos
    con la clínica antes de ir.
clinic-report = Informar de un problema con estos datos
clinic-what-wrong = ¿Qué está mal?
clinic-choose = Elija una opción
clinic-details = Detalles (opcional)
clinic-details-hint = ¿Qué deberían decir los datos? Por favor, no incluya su nombre ni nada sobre su salud.
clinic-send-report = Enviar el informe
