# El envío del resumen de la autoevaluación a una clínica, en español.

send-title-clinic = Enviar su resumen a { $clinic }
send-title-choose = Elija una clínica a la que enviar su resumen
send-change-clinic = Elegir otra clínica
send-reach = Cómo puede comunicarse la clínica con usted
send-name = Su nombre (opcional)
send-contact = Un número de teléfono, un correo electrónico, o ambos
send-phone = Número de teléfono
send-email = Correo electrónico
send-preview = Exactamente lo que se enviará a { $clinic }
send-preview-text = Este resumen de su autoevaluación (la clínica lo lee en inglés, e indica que usted respondió en español), y el nombre, el número de teléfono, el correo electrónico y el mensaje que escribió arriba.
    Ni su dirección IP ni nada más: KetaPath no guarda ninguna otra copia de sus respuestas.
send-consent = Acepto enviar a { $clinic } el resumen que se muestra arriba y los datos de contacto y el mensaje que escribí, para que la clínica pueda comunicarse conmigo.
send-button = Enviar mi resumen a { $clinic }
send-list-intro = Solo aparecen las clínicas que leen resúmenes de autoevaluación a través de KetaPath. La clínica que elija recibe el
    resumen y los datos de contacto que dé en la página siguiente, después de que usted acepte enviarlos.
send-place = Su código postal (o "Ciudad, ST"), para ver primero las clínicas más cercanas
send-nearest = Ver primero las más cercanas
send-all = Mostrar también las clínicas que no aceptan pacientes nuevos ahora
send-clinics = Clínicas que reciben resúmenes de autoevaluación
send-accepting = Acepta pacientes nuevos.
send-not-accepting = No acepta pacientes nuevos ahora.
send-ketamine = Ofrece atención con ketamina o esketamina.
send-no-ketamine = No indica atención con ketamina o esketamina.
send-none = Todavía ninguna clínica recibe resúmenes a través de KetaPath. Puede imprimir su resumen y llevarlo a un
    profesional de salud.
send-not-listed = No aparecen las clínicas que no aceptan pacientes nuevos ahora. Marque la casilla de arriba y pulse "Ver primero las más cercanas" para verlas también.
send-some = Solo se muestran algunas clínicas. Escriba su código postal o ciudad para ver primero las más cercanas.
send-continue = Continuar con esta clínica
send-other = Buscar otras clínicas
send-other-note = no reciben resúmenes a través de KetaPath: imprima su resumen
    y llévelo
send-back = Volver a mi resumen
sent-title = Su resumen se envió a { $clinic }
sent-next = Qué pasa ahora
sent-crisis = <strong>Si está en crisis, no espere a la clínica: llame al <a href="tel:988">988</a> (marque 2 para español)
    o envíe un mensaje de texto al 988 ahora.</strong> Si corre peligro inmediato, llame al <a href="tel:911">911</a>.
sent-find = Buscar otras clínicas cerca de usted
send-title-errors = Por favor, revise esta página.
send-full-title = { $clinic } no puede recibir más resúmenes hoy
send-errors-heading = { $n ->
    [one] Por favor, revise este campo
   *[other] Por favor, revise estos campos
    }
send-message = Un mensaje breve para la clínica (opcional, como máximo { $n } caracteres)
send-away = a { $distance }
