# El registro (/registry), la solicitud para añadir una clínica (/list-your-clinic) y la página de autoinforme
# (/r/{token}), con las cifras que comparten con la página de una clínica (tratamientos, tasas, periodos), en español.

modality-esketamine-nasal = Esketamina en aerosol nasal (SPRAVATO)
modality-iv-ketamine = Infusión intravenosa de ketamina
modality-im-ketamine = Inyección intramuscular de ketamina
modality-oral-ketamine = Ketamina oral
rate-interval = { $rate } % (IC del 95 %: { $low }–{ $high } %)
rate-of = { $label }, { $n } de { $total }
period = del { $first } al { $last }

registry-title = Registro: resultados de los pacientes que dieron su consentimiento
registry-heading = Registro: cómo les fue con el tratamiento a los pacientes que dieron su consentimiento
registry-lead = Cifras de las clínicas que usan KetaPath, sobre los pacientes que aceptaron que sus expedientes sin datos de
    identificación se usen para investigación, al { $date }. No se muestra ninguna cifra sobre menos de 11 pacientes, para que
    nadie pueda ser identificado. Son datos observacionales de la atención habitual, no un ensayo: describen lo que pasó,
    no lo que le pasará a usted.
registry-patients = Pacientes que dieron su consentimiento: { $label }.
registry-outcomes = Respuesta y remisión
registry-outcomes-hint = Un ciclo por paciente: el primer ciclo de cada tratamiento con una puntuación inicial y una posterior. La respuesta y
    la remisión siguen las reglas indicadas; el rango después de cada tasa es su intervalo de confianza de Wilson del 95 %. Un
    paciente cuya puntuación inicial ya era baja (en el PHQ-9, menos de 10, como en la medida nacional de remisión de la
    depresión CMS159) no tiene un cambio que evaluar y no se cuenta.
registry-no-course = Todavía ningún ciclo tiene suficientes registros.
registry-col-treatment = Tratamiento
registry-col-scale = Escala
registry-col-patients = Pacientes
registry-col-period = Periodo
registry-col-response = Respuesta
registry-col-remission = Remisión
registry-col-time = Tiempo hasta la primera respuesta
registry-col-durability = Duración de la respuesta
registry-col-counted = Se cuentan
registry-col-rules = Reglas
registry-charts = Gráficas
registry-charts-hint = Cada gráfica también da sus cifras en palabras para los lectores de pantalla.
registry-chart-response = Respuesta a lo largo del tiempo: { $label }
registry-chart-durability = Duración de la respuesta: { $label }
registry-events = Eventos adversos
registry-sessions = Sesiones: { $label }.
registry-col-event = Evento
registry-col-rate = Tasa
registry-gate = Controles de presión arterial antes de la dosis
registry-gate-blocked = Sesiones en las que el control de presión arterial impidió la dosis:
registry-gate-overridden = Bloqueos que un profesional que receta anuló:
registry-rules = Reglas usadas
registry-rules-text = Cómo se definen las cifras: el diccionario de datos de investigación de KetaPath, que indica la fuente de cada cifra y
    cómo se cuenta.
registry-fewer = menos de { $n } pacientes
registry-no-responders = ningún paciente con respuesta
registry-median-days = mediana de { $n } días (RIC { $low }–{ $high })
registry-durability-not-reached = { $n } pacientes con respuesta; no se alcanzó la mediana
registry-durability-median = { $n } pacientes con respuesta; mediana de { $label } días
registry-counted = puntuación inicial de { $n } o más
registry-events-count = { $n } eventos
registry-events-rate = { $rate } por cada 100 sesiones ({ $n } eventos, { $patients } pacientes)
registry-no-sessions = ninguna sesión

list-title = Añada su clínica
list-lead = KetaPath incluye sin costo las clínicas que ofrecen atención supervisada con ketamina o esketamina. Si su clínica no
    aparece en el <a href="{ $label }">buscador de clínicas</a>, envíe esta solicitud. Un miembro del equipo de KetaPath la revisa
    (el NPI, la dirección, la certificación REMS que indica) antes de publicar nada; nada de lo que envíe aquí es público
    hasta entonces.
list-clinic = La clínica
list-name = Nombre de la clínica
list-street = Dirección
list-city = Ciudad
list-state = Estado
list-choose = Elija una opción
list-zip = Código postal
list-phone = Teléfono al que llaman los pacientes
list-website = Sitio web (opcional, empezando por https://)
list-phone-short = Teléfono
list-website-short = Sitio web
list-offers = Tratamientos que ofrece
list-rems = La clínica está certificada en el programa REMS de SPRAVATO (esketamina)
list-organisation = La organización y una persona de contacto
list-npi = NPI de la organización
list-npi-hint = El Identificador Nacional de Proveedor (NPI) de 10 cifras de la clínica (tipo 2, del NPPES).
list-contact-name = Su nombre
list-contact-email = Su correo electrónico
list-email-hint = Cuando se apruebe la clínica, esta dirección será la primera cuenta del portal de la clínica, donde usted mantiene sus datos al día.
list-no-patients = Por favor, no envíe nada sobre pacientes.
list-send = Enviar la solicitud
list-request = La solicitud
list-error-nul = { $label }: quite el carácter NUL invisible
list-fix-line = { $label }: este dato es obligatorio y debe escribirse en una sola línea.
list-fix-state = Estado: elija el estado de la clínica (un código de dos letras como OH).
list-fix-zip = Código postal: escriba el código postal de cinco cifras de la clínica en EE. UU.
list-fix-phone = Teléfono: escriba el número de teléfono de EE. UU. al que llaman los pacientes, con su código de área (10 cifras).
list-fix-website = Sitio web: escriba una dirección que empiece por https://, o déjelo vacío.
list-fix-offers = Tratamientos que ofrece: elija al menos un tratamiento que ofrezca la clínica.
list-fix-npi = NPI de la organización: no es un NPI válido. El Identificador Nacional de Proveedor de 10 cifras de la organización (NPPES)
    no pasa la prueba de su dígito de control; revise si hay un error al escribirlo.
list-fix-email = Su correo electrónico: escriba una dirección de correo electrónico como nombre@clinica.org.
list-fix-other = { $label }: por favor, revise este dato.
list-refused = Esta solicitud no vino de la página de KetaPath, así que no se aceptó. Por favor, use el formulario en /es/list-your-clinic.
list-over-cap-title = Por favor, envíe su solicitud mañana
list-over-cap-text = KetaPath ya recibió hoy tantas solicitudes como su equipo puede revisar, así que su solicitud para
    <strong>{ $clinic }</strong> no se guardó. Por favor, envíela de nuevo mañana.
list-sent-title = Gracias: recibimos su solicitud
list-sent-text = Su solicitud para añadir <strong>{ $clinic }</strong> está esperando al equipo de KetaPath. Lo que sigue:
list-sent-step-1 = Un miembro del equipo revisa el NPI de la organización, la dirección y los tratamientos, normalmente en unos pocos días hábiles.
list-sent-step-2 = Si se aprueba la solicitud, la clínica aparece en el buscador, marcada como verificada por KetaPath, y el equipo le envía
    un enlace para crear la contraseña de la cuenta del portal de la clínica, donde usted mantiene sus datos al día.
list-sent-step-3 = Si se rechaza, el equipo le dice por qué.
list-sent-private = Nada de su solicitud es público antes de que se apruebe.

self-report-title = Cómo se ha sentido: un cuestionario de su clínica
self-report-title-errors = Por favor, revise sus respuestas. Cómo se ha sentido
self-report-heading = Cómo se ha sentido
self-report-lead = Su clínica le pidió que responda estas nueve preguntas desde casa. Toma unos dos minutos. Sus respuestas
    van solo a su clínica, que las verá junto con sus otros resultados. Puede responder una sola vez; después, este enlace deja de funcionar.
self-report-send = Enviar mis respuestas a mi clínica
self-report-sent-title = Gracias: sus respuestas se enviaron a su clínica
self-report-help-title = Hay ayuda disponible ahora. Sus respuestas se enviaron a su clínica
self-report-911 = Si cree que podría actuar según estos pensamientos ahora, llame al 911 o vaya a la sala de emergencias más cercana.
self-report-clinic-told = Se le informó a su clínica de su respuesta a la última pregunta y se comunicará con usted. No espere su llamada si
    necesita ayuda ahora: los servicios de arriba atienden a cualquier hora.
self-report-thanks = Gracias
self-report-thanks-text = Sus respuestas se enviaron a su clínica. Puede cerrar esta página. Este enlace ya se usó y no volverá a funcionar.
self-report-used-title = Este cuestionario ya se envió
self-report-used = Estas respuestas ya se enviaron
self-report-used-text = Este enlace del cuestionario ya se usó, y su clínica conserva las respuestas que se enviaron primero. Un enlace funciona una
    sola vez. Si quiere cambiar sus respuestas, por favor, pida a su clínica un enlace nuevo.
self-report-expired-title = Este enlace del cuestionario venció
self-report-expired = Este enlace venció
self-report-expired-text = Los enlaces de los cuestionarios funcionan por un tiempo limitado. Por favor, pida a su clínica un enlace nuevo.
self-report-invalid = Este enlace del cuestionario no es válido
self-report-invalid-text = Por favor, revise que copió el enlace completo, o pida a su clínica uno nuevo.
self-report-refused = Estas respuestas no vinieron de la página de KetaPath, así que no se aceptaron. Por favor, abra el enlace
    que le dio su clínica y responda ahí.

# Tipos de eventos adversos tal como los nombra el registro.
event-hypertension = hipertensión
event-hypotension = hipotensión
event-tachycardia = taquicardia
event-bradycardia = bradicardia
event-hypoxia = hipoxia
event-respiratory-depression = depresión respiratoria
event-sedation = sedación
event-dissociation = disociación
event-nausea = náuseas
event-vomiting = vómitos
event-dizziness = mareo
event-headache = dolor de cabeza
event-anxiety = ansiedad
event-suicidal-ideation = ideación suicida
event-urinary-symptoms = síntomas urinarios
event-other = otro

# Las descripciones de las gráficas del registro (que leen los lectores de pantalla) y sus ejes.
chart-response-intro = Proporción de pacientes que cumplen la regla de respuesta, por semana desde el primer tratamiento.
chart-response-week = Semana { $week }: { $rate } (IC del 95 %: { $low } a { $high }), { $successes } de { $n }.
chart-week-not-shown = Semana { $week }: no se muestra (menos de { $threshold } pacientes).
chart-response-axis = Semanas desde el primer tratamiento
chart-km-intro = Estimación de Kaplan-Meier. Tiempo 0: 100%.
chart-km-step = { $time } días: { $rate } (en riesgo { $at_risk }, eventos { $events }, censurados { $censored }).
chart-km-axis = Tiempo (días)
