# La página de una clínica (/clinics/{id}): los motivos de un informe, las preguntas para la clínica, quién verificó
# los datos, los resultados publicados, los errores del formulario de informe y la página de agradecimiento.

report-reason-closed = La clínica cerró o se mudó
report-reason-wrong-phone = El número de teléfono o el sitio web está mal
report-reason-wrong-address = La dirección o la posición en el mapa está mal
report-reason-wrong-offers = Los tratamientos que aparecen están mal
report-reason-wrong-payment = Las formas de pago están mal
report-reason-not-accepting = No está aceptando pacientes nuevos
report-reason-other = Otra cosa
report-error-reason = Por favor, elija qué está mal en estos datos.
report-error-nul = Por favor, quite el carácter NUL invisible de los detalles.
report-error-long = Por favor, acorte los detalles a { $n } caracteres como máximo.
report-refused = Este informe no vino de la página de KetaPath, así que no se aceptó. Por favor, use el formulario de la página de la clínica.
report-thanks-title = Gracias por su informe
report-thanks-text = Su informe sobre <strong>{ $clinic }</strong> se envió a los revisores de KetaPath, que revisan y corrigen los datos
    de las clínicas. No le pedimos ni guardamos nada que le identifique.
report-back-clinic = Volver a { $clinic }

clinic-question-1 = ¿Qué tratamientos ofrecen para la depresión resistente al tratamiento, y quién decide cuál me conviene?
clinic-question-2 = ¿Quién supervisa cada sesión, y cuánto tiempo me quedo después antes de irme a casa?
clinic-question-3 = ¿La clínica está certificada en el programa REMS de SPRAVATO (para la esketamina en aerosol nasal)?
clinic-question-4 = ¿Necesitan una remisión o mi expediente de quien me receta ahora?
clinic-question-5 = ¿Cuánto cuesta un ciclo de tratamiento, y qué cubrirá mi seguro médico?
clinic-question-6 = ¿Cómo van a medir si el tratamiento me está ayudando?

verified-by-clinic = Verificado por la clínica el { $date }
verified-by-ketapath = Verificado por KetaPath el { $date }
verified-by-other = Verificado por última vez: { $date } ({ $label })
verified-on = Verificado por última vez: { $date }
verified-never = Verificado por última vez: todavía sin verificar

clinic-outcomes = Cómo le fue al tratamiento aquí
clinic-outcomes-hint = Publicado por la clínica a partir de los expedientes de sus pacientes que dieron su consentimiento (un ciclo por
    paciente). Son cifras observacionales de la atención habitual, no una promesa: el rango es el intervalo de confianza de Wilson del 95 %.
clinic-outcome-line = { $treatment }, medido con { $instrument }: { $patients } pacientes, { $period }.
    Respuesta { $response }; remisión { $remission }. Regla: { $rule }.
clinic-outcome-rule = pacientes con una puntuación inicial de { $min } o más ({ $baseline }); respuesta: al menos un { $pct } % menos de puntos que al inicio ({ $resp_rule }); remisión: una puntuación de { $max } o menos ({ $remit_rule })
