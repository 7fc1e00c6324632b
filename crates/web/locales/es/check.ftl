# La autoevaluación (pasos, resultado, envío a una clínica) y los recursos de crisis, en español.
#
# PHQ-9 en español de EE. UU.: la traducción publicada con los cuestionarios PHQ (Pfizer). No se necesita permiso
# para reproducirla, traducirla, mostrarla o distribuirla; se conserva la línea de copyright como en inglés.
#
# 988 (fuente: comunicado de prensa de SAMHSA, 13 de julio de 2023): llamadas en español marcando 2; mensajes de
# texto y chat en español desde el 13 de julio de 2023. No se indica palabra clave para los mensajes de texto en
# español (no verificada). El 911 es para emergencias.

## Recursos de crisis.
crisis-988-name = 988 Línea de Prevención del Suicidio y Crisis
crisis-988-contact = Llame al 988 y marque 2 para español, o envíe un mensaje de texto al 988
crisis-988-available = Las 24 horas, todos los días, gratis y confidencial
crisis-988-options = Llamadas en español: llame al 988 y marque 2 | Mensajes de texto en español: envíe un mensaje de texto al 988 | Chat en español en 988lifeline.org/es | Veteranos: llame al 988 y marque 1
crisis-988-call = Llame al 988 (marque 2)
crisis-988-text = Envíe un mensaje de texto al 988
crisis-988-chat = Chat en español
crisis-ctl-name = Crisis Text Line
crisis-ctl-contact = Envíe HOME al 741741
crisis-ctl-available = Las 24 horas, todos los días, gratis
crisis-ctl-options = Canadá: envíe un mensaje al 686868 | Reino Unido: envíe un mensaje al 85258
crisis-ctl-text = Envíe HOME al 741741
crisis-911-name = Servicios de emergencia (911)
crisis-911-contact = Llame al 911 o vaya a la sala de emergencias más cercana si corre peligro inmediato
crisis-911-available = Las 24 horas, todos los días
crisis-911-options = {""}
crisis-911-call = Llame al 911
crisis-message-emergency = Si podría actuar según pensamientos de quitarse la vida o de hacerse daño, busque ayuda ahora: llame al 911 o vaya a la sala de emergencias más cercana, o llame al 988 (marque 2 para español) o envíele un mensaje de texto. Si puede, quédese con alguien de confianza.
crisis-message-urgent = Usted dijo que ha tenido pensamientos de que estaría mejor muerto(a) o de lastimarse. Por favor, hable hoy con alguien: llame al 988 y marque 2 para español, o envíe un mensaje de texto al 988, y cuéntele a un profesional de salud o a alguien de confianza cómo se siente. Si podría actuar según estos pensamientos, llame al 911.
crisis-message-none = Un cero en la pregunta sobre pensamientos de muerte o de hacerse daño no descarta el riesgo: los pensamientos pueden cambiar y otras señales de alerta siguen importando. Si las cosas empeoran, llame al 988 (marque 2 para español) o envíele un mensaje de texto en cualquier momento.

## PHQ-9 en español de EE. UU. (texto publicado).
phq9-stem = Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?
phq9-item-1 = Poco interés o placer en hacer cosas
phq9-item-2 = Se ha sentido decaído(a), deprimido(a) o sin esperanzas
phq9-item-3 = Ha tenido dificultad para quedarse o permanecer dormido(a), o ha dormido demasiado
phq9-item-4 = Se ha sentido cansado(a) o con poca energía
phq9-item-5 = Sin apetito o ha comido en exceso
phq9-item-6 = Se ha sentido mal con usted mismo(a) – o que es un fracaso o que ha quedado mal con usted mismo(a) o con su familia
phq9-item-7 = Ha tenido dificultad para concentrarse en ciertas actividades, tales como leer el periódico o ver la televisión
phq9-item-8 = ¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal
phq9-item-9 = Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera
phq9-answer-0 = Ningún día
phq9-answer-1 = Varios días
phq9-answer-2 = Más de la mitad de los días
phq9-answer-3 = Casi todos los días
phq9-difficulty = Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos problemas para hacer su trabajo, encargarse de las tareas del hogar, o llevarse bien con otras personas?
phq9-difficulty-0 = No ha sido difícil
phq9-difficulty-1 = Un poco difícil
phq9-difficulty-2 = Muy difícil
phq9-difficulty-3 = Extremadamente difícil

## Los pasos.
check-heading = Averigüe si le conviene preguntar por la atención con ketamina
check-title-phq9 = Autoevaluación, paso 1 de 3: cómo se ha sentido
check-title-followup = Autoevaluación: una pregunta sobre su seguridad
check-title-help-now = Por favor, busque ayuda ahora
check-title-trials = Autoevaluación, paso 2 de 3: antidepresivos probados en este episodio
check-title-about = Autoevaluación, paso 3 de 3: su salud
check-title-errors = Por favor, revise sus respuestas.
check-progress-1 = Paso 1 de 3
check-progress-followup = Paso 1 de 3, una pregunta más
check-progress-help-now = Antes de seguir
check-progress-2 = Paso 2 de 3
check-progress-3 = Paso 3 de 3
check-lead = Unas pocas preguntas breves sobre cómo se ha sentido, los antidepresivos que ha probado y su salud. Toma unos
    cinco minutos. Al final obtiene un resumen para imprimir o mostrar a un profesional de salud.
check-privacy = <strong>No se guarda nada de lo que escribe.</strong> Sus respuestas se envían solo para preparar su resumen
    y luego se olvidan. Nunca quedan en una dirección web ni en un registro.
check-feeling = Cómo se ha sentido
check-continue = Continuar
check-back = Atrás
check-errors-heading = { $n ->
    [one] Por favor, revise esta respuesta
   *[other] Por favor, revise estas respuestas
    }
answer-yes = Sí
answer-no = No
check-acting-question = En este momento, ¿está pensando en actuar según estos pensamientos?
check-acting-hint = Responda lo que responda, puede seguir con la autoevaluación, o detenerse aquí y buscar ayuda primero.
crisis-now-heading = No tiene que enfrentar estos pensamientos solo(a)
crisis-now-text = Usted dijo que ha tenido pensamientos de que estaría mejor muerto(a) o de lastimarse. Gracias por responder con
    sinceridad. Hablar con alguien ahora puede ayudar. Estos servicios atienden a cualquier hora del día o de la noche:
crisis-help-now = Por favor, busque ayuda ahora
crisis-talk-today = Por favor, hable hoy con alguien
crisis-later-heading = Si las cosas empeoran
check-get-help-now = Busque ayuda ahora
check-help-now-text = Usted dijo que está pensando en actuar según pensamientos de quitarse la vida o de hacerse daño. Por favor,
    busque ayuda ahora: no tiene que pasar por esto solo(a), y estos servicios atienden a cualquier hora.
check-help-now-stay = <strong>Si puede, quédese con alguien de confianza</strong> hasta que haya hablado con alguien.
    Si corre peligro inmediato, llame al 911 o vaya a la sala de emergencias más cercana.
check-help-now-continue-hint = Cuando haya buscado ayuda y se sienta seguro(a) para seguir, puede continuar la autoevaluación. Sus
    respuestas hasta ahora se guardan solo en esta página.
check-help-now-continue = Continuar la autoevaluación
check-trials-heading = Antidepresivos que ha probado en este episodio de depresión
check-trials-text = Anote los antidepresivos que ha tomado en este episodio de depresión (desde que la depresión volvió o empezó
    por última vez), uno por fila. Deje vacías las demás filas. Si no recuerda la dosis o cuánto tiempo lo tomó, deje ese
    espacio vacío: su resumen dirá lo que no se sabe. Los medicamentos de un episodio anterior también importan: llévelos
    a un profesional de salud, pero aquí no se cuentan.
check-trial-legend = Medicamento { $n }
check-trial-drug = Nombre del medicamento
check-trial-dose = Dosis, en mg al día
check-trial-weeks = Cuántas semanas lo tomó
check-trial-improvement = Cuánto le ayudó
check-trial-augmentation = Lo tomé para reforzar otro antidepresivo (como complemento)
check-add-row = Añadir otro medicamento
improvement-unknown = No estoy seguro(a)
improvement-none = Poco o nada (menos de un 25 % mejor)
improvement-partial = Algo (de un 25 a un 49 % mejor)
improvement-response = Mucho (un 50 % mejor o más)
check-health-heading = Su salud
check-conditions-question = ¿Le corresponde alguna de estas situaciones, ahora o en el pasado?
check-conditions-hint = Marque todas las que correspondan. Déjelas todas vacías si no corresponde ninguna.
check-age = Su edad en años (opcional)
check-bp = Su lectura de presión arterial más reciente (opcional)
check-systolic = Número de arriba (sistólica), mmHg
check-diastolic = Número de abajo (diastólica), mmHg
check-episode = ¿Cuántos meses ha durado este periodo de depresión? (opcional)
check-see-summary = Ver mi resumen

## Mensajes del formulario.
error-phq9-answer = Pregunta { $n }: por favor, elija una de las cuatro respuestas.
error-yes-no = Por favor, elija sí o no.
error-trial-drug = Por favor, escriba el nombre del medicamento, o borre esta fila.
error-trial-dose = Medicamento { $n }, dosis: por favor, escriba los miligramos al día como un número, por ejemplo 300 o 300 mg, o déjelo vacío.
error-trial-weeks = Medicamento { $n }, semanas: por favor, escriba el número de semanas como un número, por ejemplo 8, o déjelo vacío.
error-age = Por favor, escriba su edad en años cumplidos, por ejemplo 34, o déjela vacía.
error-episode-months = Por favor, escriba el número de meses, por ejemplo 18, o déjelo vacío.
error-systolic-missing = Por favor, escriba también el número de arriba, o deje ambos vacíos.
error-diastolic-missing = Por favor, escriba también el número de abajo, o deje ambos vacíos.
error-mmhg = Por favor, escriba un número de mmHg, por ejemplo 120, o deje ambos vacíos.

## Condiciones.
condition-aneurysmal_vascular_disease = Enfermedad vascular aneurismática (un aneurisma de la aorta, o de arterias del cerebro o de otra parte)
condition-arteriovenous_malformation = Malformación arteriovenosa
condition-intracerebral_hemorrhage = Un sangrado dentro del cerebro en el pasado (hemorragia intracerebral)
condition-hypersensitivity_esketamine_ketamine = Una reacción alérgica (hipersensibilidad) a la esketamina, la ketamina o un ingrediente del producto
condition-hypertension = Presión arterial alta
condition-hypertensive_encephalopathy_history = Una encefalopatía hipertensiva en el pasado (síntomas cerebrales por presión arterial muy alta)
condition-cardiovascular_disease = Enfermedad del corazón o de los vasos sanguíneos
condition-cerebrovascular_disease = Enfermedad de los vasos sanguíneos del cerebro (por ejemplo, un derrame cerebral en el pasado)
condition-psychosis = Psicosis ahora o en el pasado
condition-substance_use_disorder = Un problema de consumo de sustancias ahora o en el pasado
condition-pregnancy = Embarazo o planes de embarazo
condition-breastfeeding = Lactancia
condition-cystitis = Cistitis ulcerosa o intersticial (inflamación de la vejiga)
condition-cns_depressants = Toma medicamentos sedantes o alcohol (benzodiazepinas, opioides, medicamentos para dormir)
condition-psychostimulants = Toma estimulantes (anfetaminas, metilfenidato, modafinilo, armodafinilo)
condition-maoi = Toma un inhibidor de la MAO (por ejemplo, fenelzina, tranilcipromina, selegilina)

## El resultado.
result-title = El resumen de su autoevaluación
result-date = Autoevaluación hecha el { $date }. Este resumen no es un diagnóstico ni una decisión de tratamiento: es algo
    para llevar a un profesional de salud. KetaPath no ha guardado ninguna copia.
result-score-1 = Su puntuación en el PHQ-9 es
result-score-of = { $total } de { $max }
result-score-2 = , que está en el rango
result-score-3 = . El PHQ-9 es un cuestionario breve sobre las últimas dos semanas; un profesional de salud lo usa junto
    con una conversación, no por sí solo.
result-item9 = Usted respondió “{ $answer }” a la pregunta 9, sobre pensamientos de que estaría mejor muerto(a) o de lastimarse. Por favor, dígaselo hoy a un profesional de salud.
result-counts = Antidepresivos que cuentan claramente: { $clear }. Contando también los que tienen datos incompletos: { $possible }.
result-trials-caption = Los antidepresivos que anotó
result-col-medicine = Medicamento
result-col-adequate = ¿Dosis y duración adecuadas?
result-col-helped = ¿Le ayudó?
result-col-notes = Notas
result-you-wrote = usted escribió { $entered }
result-add-on = complemento, no se cuenta
result-conditions = Condiciones de salud para hablar
result-no-conditions = No marcó ninguna de las condiciones de la lista. Antes de cualquier tratamiento, hable con el profesional de salud
    sobre su salud y todos los medicamentos que toma: necesita el panorama completo.
result-contraindications = Contraindicaciones según la etiqueta de la esketamina
result-cautions = Aspectos que debe valorar con cuidado con un profesional de salud
result-source = Fuente:
result-rule-used = Regla usada
result-rule = Regla de KetaPath
result-discuss = Qué hablar con un profesional de salud
result-answers = Sus respuestas
result-answers-caption = PHQ-9: durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a…
result-acting = Piensa en actuar según pensamientos de hacerse daño:
result-age = Edad:
result-bp = Presión arterial:
result-episode = Este periodo de depresión:
result-rules-version = Versión de las reglas de KetaPath
result-next = Qué puede hacer ahora
result-print = Para guardar este resumen, use la opción Imprimir de su navegador (puede imprimir a un PDF). No se guarda nada en KetaPath
    a menos que decida enviarlo a una clínica aquí abajo.
result-send = Enviar este resumen a una clínica
result-send-text = Puede decidir enviar este resumen, con un número de teléfono o un correo electrónico, a una clínica que recibe resúmenes
    a través de KetaPath, para que pueda comunicarse con usted. Verá exactamente lo que se envía, y no se envía nada hasta que usted acepte.
result-change = Cambiar mis respuestas
result-find-esketamine = Clínicas que ofrecen esketamina en aerosol nasal (SPRAVATO)
result-find-iv = Clínicas que ofrecen infusiones de ketamina
result-find-all = Todas las clínicas, con todos los filtros
severity-minimal = Mínima
severity-mild = Leve
severity-moderate = Moderada
severity-moderately_severe = Moderadamente grave
severity-severe = Grave
judgement-yes = Sí
judgement-no = No
judgement-not-enough = No lo suficiente
judgement-unknown = No se sabe
episode-months = { $months } meses ({ $span })
episode-acute = un año o menos
episode-subacute = entre uno y dos años
episode-chronic = más de dos años
long-date = { $day } de { $month } de { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
trd-meets = Sus tratamientos anteriores coinciden con la definición habitual de depresión resistente al tratamiento
trd-meets-text = Al menos { $n } de los antidepresivos que anotó para este episodio de depresión se tomaron en una dosis adecuada durante el tiempo suficiente y no ayudaron lo suficiente. Así se suele definir la depresión resistente al tratamiento, y es cuando se suele considerar el tratamiento con ketamina o esketamina. Si le conviene es algo que usted y un profesional de salud deben decidir juntos.
trd-possible = Sus tratamientos anteriores podrían coincidir con la definición habitual de depresión resistente al tratamiento
trd-possible-text = Faltan algunos datos o no están claros, como una dosis, cuánto tiempo tomó un medicamento o cuánto le ayudó. Un profesional de salud puede revisarlos con usted; ayuda llevar los nombres, las dosis y las fechas.
trd-no-trials = No anotó ningún antidepresivo
trd-no-trials-text = La ketamina y la esketamina se suelen considerar después de que al menos { $n } antidepresivos, cada uno tomado en una dosis adecuada durante el tiempo suficiente en el episodio actual de depresión, no han ayudado lo suficiente. Cuando vea a un profesional de salud, lleve los nombres, las dosis y las fechas de los tratamientos que haya tenido, para hablar de todas las opciones que pueden ayudar.
trd-not-met = Sus respuestas no muestran la definición habitual de depresión resistente al tratamiento
trd-not-met-text = Esto no dice nada de lo difícil que ha sido. La definición habitual pide al menos { $n } antidepresivos en el episodio actual de depresión, cada uno tomado en una dosis adecuada durante el tiempo suficiente, que no ayudaron lo suficiente. Un profesional de salud puede revisar su historia con usted y hablar de todas las opciones que pueden ayudar.
