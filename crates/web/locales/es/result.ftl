## Las frases del resultado de la autoevaluación, un mensaje por cada código que da el motor clínico (crates/clinical:
## TrialNote, Discuss, FindingDetail) y por cada condición.

## Notas sobre un tratamiento anterior.
note-read-as = “{ $entered }” se leyó como { $drug }
note-earlier-episode = tomado en un episodio anterior de depresión: se anota, pero no se cuenta, porque la depresión resistente al tratamiento se refiere al episodio actual
note-augmentation-entry = medicamento complementario: se anota, pero no se cuenta como un tratamiento con antidepresivo
note-augmentation-only = { $drug } está en la tabla de dosis solo como medicamento complementario: se anota, pero no se cuenta como un tratamiento con antidepresivo
note-unknown-drug = medicamento desconocido “{ $entered }”: no está en la tabla de dosis mínimas, así que no se puede saber si el tratamiento fue adecuado
note-not-in-table = “{ $entered }” no está en la tabla de dosis mínimas, así que no se puede revisar su dosis
note-dose-missing = no se indicó la dosis: la mínima de { $drug } es { $min } mg al día, así que no se puede saber si el tratamiento fue adecuado
note-dose-meets = la dosis de { $dose } mg al día alcanza la mínima de { $min } mg al día de { $drug }
note-dose-below = la dosis de { $dose } mg al día es menor que la mínima de { $min } mg al día de { $drug }
note-weeks-missing = no se indicó la duración: se necesitan al menos { $min } semanas, así que no se puede saber si el tratamiento fue adecuado
note-weeks-meet = { $weeks ->
        [1] 1 semana alcanza
       *[other] { $weeks } semanas alcanzan
    } el mínimo de { $min } semanas
note-weeks-short = { $weeks ->
        [1] 1 semana es menos
       *[other] { $weeks } semanas son menos
    } que el mínimo de { $min } semanas
note-improvement-none = mejoría de menos del 25 %: cuenta como un tratamiento que no funcionó
note-partial-failed = mejoría parcial (del 25 al 49 %): cuenta como un tratamiento que no funcionó
note-partial-not-failed = mejoría parcial (del 25 al 49 %): no cuenta como un tratamiento que no funcionó, porque esta clínica solo cuenta una mejoría de menos del 25 %
note-response = mejoría del 50 % o más (respuesta): no es un tratamiento que no funcionó
note-improvement-unknown = no se sabe cuánto mejoró: no se puede saber si el tratamiento funcionó
note-listed-times = { $drug } aparece { $times } veces: el medicamento cuenta una sola vez, por su anotación con más peso ({ $entry })

## Qué hablar con un profesional de salud.
discuss-crisis = Hoy mismo, cuéntele a un profesional de salud los pensamientos de muerte o de hacerse daño que indicó, para que pueda hablar de ellos con usted.
discuss-trd-meets = Sus respuestas describen al menos { $required } antidepresivos tomados en este episodio de depresión en una dosis adecuada durante el tiempo suficiente sin mejorar lo suficiente, que es como se suele definir la depresión resistente al tratamiento: pregunte a un profesional de salud si vale la pena considerar el tratamiento con ketamina o esketamina.
discuss-trd-possible = Faltan algunos datos de sus tratamientos anteriores con antidepresivos o no están claros (el medicamento, la dosis, la duración o el resultado): lleve los nombres, las dosis y las fechas a un profesional de salud para que pueda juzgar qué tratamientos fueron adecuados.
discuss-trd-no-trials = No anotó antidepresivos tomados en este episodio de depresión: lleve a un profesional de salud los nombres, las dosis y las fechas de los que haya tomado, porque la ketamina y la esketamina se suelen considerar después de que al menos dos antidepresivos no han ayudado lo suficiente en el episodio actual.
discuss-trd-not-met = Sus respuestas no muestran { $required } antidepresivos tomados en este episodio de depresión en una dosis adecuada durante el tiempo suficiente sin que ayudaran lo suficiente: pregunte a un profesional de salud qué opciones de tratamiento se ajustan a su historia.
discuss-phq9-total = Comparta con un profesional de salud su puntuación total del PHQ-9, { $total } ({ $severity ->
        [minimal] mínima
        [mild] leve
        [moderate] moderada
        [moderately_severe] moderadamente grave
        [severe] grave
       *[other] { $severity }
    }).
discuss-bring-summary = Lleve este resumen a un profesional de salud: no es un diagnóstico ni una decisión de tratamiento, y solo un profesional de salud puede decir si un tratamiento es adecuado para usted.

## Qué en las respuestas dio lugar a una precaución.
detail-bp-at-or-above = presión arterial de { $systolic }/{ $diastolic } mmHg, igual o mayor que { $limit_systolic }/{ $limit_diastolic }
detail-bp-above = presión arterial de { $systolic }/{ $diastolic } mmHg, mayor que { $limit_systolic }/{ $limit_diastolic }
detail-age-under = edad de { $age } años, menor de { $limit }
detail-age-from = edad de { $age } años, { $limit } o más

## Las precauciones que resultan de la edad y la presión arterial.
condition-elevated_blood_pressure = Presión arterial mayor que 140/90 en la medición indicada
condition-hypertensive_crisis_range = Presión arterial en el rango de crisis hipertensiva (180/120 o más) en la medición indicada
condition-age_under_18 = Menor de 18 años
condition-age_65_and_over = 65 años o más

## Qué hablar sobre cada condición, y su fuente en palabras sencillas.
condition-aneurysmal_vascular_disease-discuss = Cuéntele a un profesional de salud sobre el aneurisma: la etiqueta de la esketamina lo incluye como contraindicación, porque un aumento de la presión arterial podría ser peligroso.
condition-aneurysmal_vascular_disease-source = contraindicación 1 de la etiqueta; información de prescripción de SPRAVATO de 2019
condition-arteriovenous_malformation-discuss = Cuéntele a un profesional de salud sobre la malformación arteriovenosa: la etiqueta de la esketamina la incluye como contraindicación, porque un aumento de la presión arterial podría ser peligroso.
condition-arteriovenous_malformation-source = contraindicación 1 de la etiqueta; información de prescripción de SPRAVATO de 2019
condition-intracerebral_hemorrhage-discuss = Cuéntele a un profesional de salud sobre el sangrado en el cerebro que tuvo: la etiqueta de la esketamina lo incluye como contraindicación.
condition-intracerebral_hemorrhage-source = contraindicación 2 de la etiqueta; información de prescripción de SPRAVATO de 2019
condition-hypersensitivity_esketamine_ketamine-discuss = Cuéntele a un profesional de salud sobre la reacción alérgica a la esketamina o la ketamina: la etiqueta la incluye como contraindicación.
condition-hypersensitivity_esketamine_ketamine-source = contraindicación 3 de la etiqueta; información de prescripción de SPRAVATO de 2019
condition-hypertension-discuss = Hable de su presión arterial con un profesional de salud: la esketamina y la ketamina la suben durante algunas horas, y se mide antes y después de cada dosis.
condition-hypertension-source = información de prescripción de 2019, §5.6: presión arterial mayor que 140/90 como guía general
condition-hypertensive_encephalopathy_history-discuss = Cuéntele a un profesional de salud sobre la encefalopatía hipertensiva que tuvo: la etiqueta pide una vigilancia más estrecha.
condition-hypertensive_encephalopathy_history-source = información de prescripción de 2019, §5.6
condition-cardiovascular_disease-discuss = Hable de su enfermedad del corazón o de los vasos sanguíneos con un profesional de salud: la etiqueta pide una evaluación cuidadosa antes del tratamiento, porque la presión arterial sube después de cada dosis.
condition-cardiovascular_disease-source = información de prescripción de 2019, §5.6
condition-cerebrovascular_disease-discuss = Hable del estado de los vasos sanguíneos de su cerebro con un profesional de salud: la etiqueta pide una evaluación cuidadosa antes del tratamiento.
condition-cerebrovascular_disease-source = información de prescripción de 2019, §5.6
condition-psychosis-discuss = Hable con un profesional de salud si ha tenido psicosis: la etiqueta pide primero una evaluación cuidadosa de los beneficios y los riesgos.
condition-psychosis-source = información de prescripción de 2019, §5.2
condition-substance_use_disorder-discuss = Hable con un profesional de salud sobre cualquier consumo de sustancias: la esketamina y la ketamina se pueden usar de forma indebida, y la etiqueta pide evaluar ese riesgo antes del tratamiento.
condition-substance_use_disorder-source = información de prescripción de 2019, §5.3
condition-pregnancy-discuss = Hable con un profesional de salud sobre un embarazo o sus planes de embarazo: no se recomienda la esketamina durante el embarazo.
condition-pregnancy-source = etiqueta de SPRAVATO (esketamina): toxicidad embriofetal
condition-breastfeeding-discuss = Hable de la lactancia con un profesional de salud: la etiqueta aconseja no amamantar durante el tratamiento.
condition-breastfeeding-source = toxicidad embriofetal; información de prescripción de 2019, §17
condition-cystitis-discuss = Cuéntele a un profesional de salud sobre cualquier inflamación de la vejiga o molestia al orinar: la cistitis aparece en la información de seguridad de la etiqueta.
condition-cystitis-source = etiqueta de SPRAVATO (esketamina): cistitis ulcerosa o intersticial, lista de información importante de seguridad
condition-cns_depressants-discuss = Lleve a un profesional de salud una lista de los medicamentos sedantes que toma y diga cuánto alcohol consume: aumentan los efectos de sedación y sobre la respiración.
condition-cns_depressants-source = etiqueta de SPRAVATO (esketamina): interacciones con medicamentos: depresores del sistema nervioso central; depresión respiratoria
condition-psychostimulants-discuss = Cuéntele a un profesional de salud sobre cualquier medicamento estimulante: junto con la esketamina, pueden subir aún más la presión arterial.
condition-psychostimulants-source = etiqueta de SPRAVATO (esketamina): interacciones con medicamentos: psicoestimulantes
condition-maoi-discuss = Cuéntele a un profesional de salud sobre cualquier inhibidor de la MAO: junto con la esketamina, puede subir aún más la presión arterial.
condition-maoi-source = etiqueta de SPRAVATO (esketamina): interacciones con medicamentos: inhibidores de la MAO
condition-elevated_blood_pressure-discuss = Hable de la medición de presión arterial con un profesional de salud: por encima de 140/90, la etiqueta pide valorar los beneficios y los riesgos antes de una dosis.
condition-elevated_blood_pressure-source = información de prescripción de 2019, §5.6: por encima de 140/90 como guía general
condition-hypertensive_crisis_range-discuss = Espere unos minutos y vuelva a medir su presión arterial. Si sigue en 180/120 o más, comuníquese hoy mismo con un profesional de salud. Llame al 911 de inmediato si además tiene dolor en el pecho o la espalda, falta de aire, entumecimiento o debilidad, un cambio en la vista o dificultad para hablar (American Heart Association).
condition-hypertensive_crisis_range-source = American Heart Association (Asociación Americana del Corazón): una medición de 180/120 mm Hg o más
condition-age_under_18-discuss = Hable de la edad con un profesional de salud: la esketamina está aprobada para adultos, y en los estudios de antidepresivos hubo más pensamientos y conductas suicidas en menores de 18 años.
condition-age_under_18-source = etiqueta de SPRAVATO (esketamina): adultos
condition-age_65_and_over-discuss = Hable de la edad con un profesional de salud: algunas etiquetas indican empezar con una dosis más baja a partir de los 65 años, y los aumentos de la presión arterial fueron mayores con la edad.
condition-age_65_and_over-source = etiqueta de SPRAVATO (esketamina): inicio con 28 mg a partir de los 65 años fuera de EE. UU.; la dosis en EE. UU. no está verificada

## Los mensajes del formulario para valores fuera de los rangos del motor.
error-trial-dose-range = Medicamento { $n }, dosis: por favor, escriba un número de miligramos al día mayor que 0 y de hasta { $max }, o déjelo vacío.
error-trial-weeks-range = Medicamento { $n }, semanas: por favor, escriba un número de semanas de 0 a { $max }, o déjelo vacío.
error-trial-row = Medicamento { $n }: por favor, revise lo que escribió en esta fila.
error-condition = Por favor, elija las condiciones de la lista.
error-systolic-range = Por favor, escriba el número de arriba como un número entero de mmHg de { $min } a { $max }.
error-diastolic-range = Por favor, escriba el número de abajo como un número entero de mmHg de { $min } a { $max }.
error-bp-order = El número de abajo debe ser menor que el de arriba: ¿se invirtieron los valores?
error-episode-range = Por favor, escriba un número de meses de 0 a { $max }, o déjelo vacío.
error-age-range = Por favor, escriba su edad en años cumplidos, de 0 a { $max }, o déjela vacía.

## El envío del resumen: la página de una clínica que ya recibió hoy todos los resúmenes que puede leer, y la página
## de resumen enviado.
send-sending-to = Se enviará a
send-sending-rest = { $address }. La clínica revisa su bandeja de KetaPath y se comunicará con usted. No se envía nada hasta que marque la casilla al final y presione el botón.
send-clinic-page = página
send-clinic-says-how = indica cómo hacerlo.
full-heading = { $clinic } no puede recibir más resúmenes por KetaPath hoy
full-not-sent-before = Su resumen
full-not-sent = no se envió
full-not-sent-after = : { $clinic } ya recibió hoy por KetaPath todos los resúmenes de autoevaluación que puede leer. No se guardó nada de lo que escribió.
full-call = Por favor, llame directamente a la clínica:
full-contact-before = Por favor, comuníquese directamente con la clínica: su
full-try-tomorrow = Puede volver a intentarlo con esta clínica mañana, o
full-find-other = buscar otras clínicas cerca de usted
sent-received-both = { $clinic } recibió su resumen de autoevaluación, su número de teléfono y su correo electrónico.
sent-received-phone = { $clinic } recibió su resumen de autoevaluación y su número de teléfono.
sent-received-email = { $clinic } recibió su resumen de autoevaluación y su correo electrónico.
sent-contact-both = { $clinic } se comunicará con usted por teléfono o por correo electrónico. Las clínicas revisan su bandeja de KetaPath en días hábiles, así que esto puede tardar algunos días hábiles.
sent-contact-phone = { $clinic } se comunicará con usted por teléfono. Las clínicas revisan su bandeja de KetaPath en días hábiles, así que esto puede tardar algunos días hábiles.
sent-contact-email = { $clinic } se comunicará con usted por correo electrónico. Las clínicas revisan su bandeja de KetaPath en días hábiles, así que esto puede tardar algunos días hábiles.
sent-reach-call = Para comunicarse por su cuenta con { $clinic }, llame al
sent-reach-page = Para comunicarse por su cuenta con { $clinic }, su
sent-kept-nothing = KetaPath no guardó nada más: la copia de la clínica es la única, y no se registró su dirección IP. No se instaló ninguna cookie. La clínica decide con usted si un tratamiento le conviene; este resumen es algo para conversar, no una decisión.

## Los mensajes de la página de envío.
error-send-nul = Por favor, quite el carácter NUL invisible de este campo.
error-send-name-long = Por favor, acorte su nombre a { $max } caracteres como máximo.
error-send-name-control = Por favor, quite los saltos de línea y los caracteres de control de su nombre.
error-send-name-invisible = Su nombre tiene solo caracteres invisibles: por favor, escríbalo con letras visibles, o déjelo vacío.
error-send-contact = Por favor, indique un número de teléfono o un correo electrónico (o ambos), para que la clínica pueda comunicarse con usted.
error-send-phone = Por favor, escriba un número de teléfono de 7 a 15 dígitos, por ejemplo 555-010-0123 o +1 555 010 0123.
error-send-email = Por favor, escriba un correo electrónico como nombre@ejemplo.org.
error-send-message-long = Por favor, acorte su mensaje a { $max } caracteres como máximo (tiene { $n }).
error-send-consent = Por favor, marque la casilla para aceptar el envío de este resumen y de sus datos de contacto, o regrese.
error-send-place = No encontramos ese lugar. Revise cómo lo escribió, o pruebe con un código postal.
error-send-choose-clinic = Por favor, elija la clínica a la que quiere enviar su resumen.
error-send-not-receiving = Por favor, elija una clínica de la lista: la que eligió no recibe resúmenes de autoevaluación por KetaPath.

## El resumen de la autoevaluación como lo muestra la vista previa de la página de envío.
summary-level-emergency = Emergencia: la persona podría actuar según pensamientos de hacerse daño
summary-level-urgent = Urgente: pensamientos de que estaría mejor muerto(a) o de hacerse daño (pregunta 9)
summary-level-none = Estas respuestas no indicaron una crisis (esto no es una evaluación de riesgo)
summary-trd-meets = Coincide con la definición habitual de depresión resistente al tratamiento (al menos { $required } antidepresivos en una dosis y durante un tiempo adecuados que no ayudaron lo suficiente)
summary-trd-possible = Podría coincidir con la definición habitual de depresión resistente al tratamiento: faltan algunas dosis, duraciones o resultados, o no están claros
summary-trd-no-trials = No se anotó ningún antidepresivo
summary-trd-not-met = Las respuestas no muestran la definición habitual de depresión resistente al tratamiento
summary-language-es = Autoevaluación respondida en español
summary-language-en = Autoevaluación respondida en inglés
summary-months = { $months } meses
summary-crisis-level = Nivel de crisis
summary-acting = Piensa en actuar según pensamientos de hacerse daño
summary-done-on = Autoevaluación hecha el
summary-language = Idioma
summary-phq9-total = Total del PHQ-9
summary-item9 = Pregunta 9 del PHQ-9
summary-trd = Depresión resistente al tratamiento
summary-trd-counts = Antidepresivos que cuentan claramente: { $clear }; contando también los que tienen datos incompletos: { $possible }.
summary-age = Edad
summary-bp = Presión arterial
summary-episode = Este periodo de depresión
summary-answers = Respuestas del PHQ-9
summary-trials = Antidepresivos anotados
summary-col-helped = ¿Ayudó?
summary-written-as = escrito como { $entered }
summary-contraindications = Contraindicaciones de la etiqueta de la esketamina marcadas:
summary-cautions = Precauciones:
summary-no-conditions = No se marcó ninguna de las condiciones de la lista.
summary-discuss = Para hablar:
summary-in-english = La clínica recibe este mismo resumen en inglés.
