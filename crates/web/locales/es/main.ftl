# Las páginas públicas en español: el diseño común (encabezado, navegación, pie) y la página de inicio.
# Cada mensaje tiene su equivalente en inglés en en-US/main.ftl (la prueba del catálogo lo comprueba en ambos sentidos).
#
# Recursos de crisis en español (fuente: comunicado de prensa de SAMHSA, 13 de julio de 2023): la línea 988 atiende
# llamadas en español marcando 2, y ofrece mensajes de texto y chat en español desde el 13 de julio de 2023. No se
# muestra ninguna palabra clave para los mensajes de texto en español porque no está verificada: solo "envíe un
# mensaje de texto al 988" y el chat en 988lifeline.org/es. El 911 es para emergencias.

meta-description = KetaPath: encuentre atención supervisada con ketamina y esketamina para la depresión resistente al tratamiento, y sepa qué preguntar a un profesional de salud.
skip-link = Saltar al contenido principal
crisis-line = <strong>¿En crisis?</strong> <a href="tel:988">Llame al 988</a> y marque 2 para español,
    o <a href="sms:988">envíe un mensaje de texto al 988</a> · <a href="https://988lifeline.org/es">Chat en español</a> ·
    <a href="tel:911">Llame al 911</a> si corre peligro
nav-label = Principal
nav-home = Inicio
nav-find = Buscar una clínica
nav-check = Autoevaluación
nav-about = Sobre la atención con ketamina
demo-banner = <strong>Sitio de demostración:</strong> todas las clínicas que aparecen aquí son inventadas.
footer-not-advice = <strong>KetaPath informa; no es consejo médico.</strong> Las decisiones sobre el tratamiento les corresponden a usted y a su profesional de salud.
footer-sources = Fuentes: información de prescripción de SPRAVATO® (esketamina) en EE. UU. y el programa REMS de la FDA (actualizado el 31 de diciembre de 2024);
    Sanacora et al., JAMA Psychiatry 2017 (consenso de la APA sobre la ketamina); Gaynes et al., Depression and Anxiety 2020 (definiciones de depresión resistente al tratamiento);
    Murrough et al., Biological Psychiatry 2013; guía de la American Society of Anesthesiologists, 2025.
footer-details = Detalles y referencias:
footer-open = KetaPath es de código abierto y no carga nada de otros sitios: sin rastreadores, sin fuentes web, sin analítica.
footer-list-clinic = ¿Dirige una clínica que ofrece esta atención y no aparece en el buscador?
footer-list-clinic-link = Añada su clínica

home-title = Encuentre atención supervisada con ketamina
home-heading = Atención supervisada con ketamina y esketamina, explicada y más fácil de encontrar
home-lead = Cuando la depresión no ha mejorado después de probar al menos dos antidepresivos, puede valer la pena hablar de la
    ketamina o la esketamina con un profesional de salud. Ambas se administran solo bajo supervisión profesional. KetaPath le ayuda
    a encontrar dónde y a preparar qué preguntar.
home-ways = Dos maneras de empezar
home-find-text = Busque cerca de usted por tratamiento (esketamina en aerosol nasal, ketamina intravenosa y otros), seguro médico y forma
    de pago, idioma y telemedicina. Cada clínica muestra cuándo se revisaron sus datos por última vez.
home-check-link = Averigüe si le conviene preguntar por la ketamina
home-check-text = Una autoevaluación breve y anónima: el cuestionario PHQ-9, los antidepresivos que ha probado y las condiciones de salud
    que importan. Obtiene un resumen para imprimir y llevar a un profesional de salud. No se guarda nada de lo que escribe.
home-will-not = Lo que KetaPath no hace
home-not-eligible = Decirle si es candidato o no. Solo un profesional de salud que le conozca puede decidirlo.
home-not-keep = Guardar sus respuestas. La autoevaluación se calcula y se olvida; nada queda en una dirección web ni en un registro.
home-not-crisis = Sustituir la ayuda en una crisis. Si está pensando en quitarse la vida, llame o envíe un mensaje de texto al 988 ahora.
home-read-about = Lea cómo funcionan la ketamina y la esketamina, por qué necesitan supervisión y lo que aún no se sabe.

error-not-found = Página no encontrada
error-not-found-text = No hay ninguna página en esta dirección.
error-method = Esta acción no es posible aquí
error-method-text = La página existe, pero no para este tipo de solicitud.
error-timeout = Esto tardó demasiado
error-timeout-text = Vuelva a intentarlo en un momento.
error-internal = Algo salió mal de nuestro lado
error-internal-text = Vuelva a intentarlo más tarde.
error-other = No se pudo atender la solicitud
error-home = Ir a la página de inicio de KetaPath
error-address = Dirección solicitada:
error-reference = Referencia para soporte:
