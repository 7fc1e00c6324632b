# La página sobre la atención con ketamina y esketamina (/about), en español, un mensaje por título, párrafo o elemento de lista.
# Las referencias bibliográficas conservan sus títulos originales en inglés.

about-1 = Sobre la atención con ketamina y esketamina
about-2 = Un resumen en lenguaje sencillo escrito para KetaPath. No es consejo médico: está aquí para ayudarle a tener una mejor conversación con un profesional de salud. Cada sección nombra sus fuentes; la lista completa está <a href="#sources">al final</a>.
about-3 = En esta página
about-4 = <a href="#trd">Qué significa “depresión resistente al tratamiento”</a>
about-5 = <a href="#what">Qué son la ketamina y la esketamina</a>
about-6 = <a href="#different">En qué se diferencian de los antidepresivos habituales</a>
about-7 = <a href="#supervision">Por qué solo bajo supervisión</a>
about-8 = <a href="#long-term">Lo que se sabe, y lo que no, sobre el largo plazo</a>
about-9 = <a href="#not-suit">A quién pueden no convenirle</a>
about-10 = <a href="#sources">Fuentes</a>
about-11 = Qué significa “depresión resistente al tratamiento”
about-12 = La depresión resistente al tratamiento no tiene una única definición aceptada. La más común en la investigación exige que <strong>al menos dos tratamientos antidepresivos</strong> no hayan funcionado, cada uno tomado en una <strong>dosis adecuada durante un tiempo adecuado</strong>. Una revisión para la Agencia de Investigación y Calidad de la Atención Médica de EE. UU. no encontró consenso sobre qué significa “adecuado”. La etiqueta de la esketamina en EE. UU. habla de depresión con una respuesta insuficiente a al menos dos antidepresivos orales de dosis y duración adecuadas en el episodio actual.
about-13 = “No funcionó” suele significar una mejoría de menos del 25 % o de menos del 50 %, según la definición. Un tratamiento que se dejó antes de unas cuatro semanas, sin señales claras de que no estaba ayudando, no suele contarse como un fracaso.
about-14 = Fuentes: Gaynes et al. 2020; Sforzini et al. 2022; consenso de expertos canadienses 2021 (referencia clínica §1.1).
about-15 = Qué son la ketamina y la esketamina
about-16 = La <strong>esketamina</strong> (nombre comercial SPRAVATO®) es un aerosol nasal. La Administración de Alimentos y Medicamentos de EE. UU. (FDA) la aprobó en marzo de 2019 para adultos con depresión resistente al tratamiento, junto con un antidepresivo oral; desde enero de 2025 también puede usarse sola. También está aprobada para los síntomas depresivos en adultos con pensamientos o conductas suicidas agudos, lo que no sustituye una hospitalización cuando hace falta.
about-17 = La <strong>ketamina</strong> es un anestésico. Está aprobada como anestésico, no para la depresión, así que las clínicas que la administran para la depresión (casi siempre como infusión en una vena, durante unos 40 minutos) lo hacen “fuera de etiqueta”.
about-18 = Fuentes: historia de la aprobación y etiqueta de SPRAVATO (referencia clínica §3.1); Andrade 2017 y Parikh et al. 2021 (§4.2).
about-19 = En qué se diferencian de los antidepresivos habituales
about-20 = Los antidepresivos comunes, como los ISRS (por ejemplo sertralina o escitalopram), actúan sobre todo en el sistema de la serotonina, se toman todos los días en casa y suelen necesitar varias semanas antes de poder juzgar su efecto.
about-21 = La ketamina y la esketamina actúan sobre otro sistema de mensajeros del cerebro, el glutamato: bloquean un receptor llamado receptor NMDA. En estudios, algunas personas se sintieron mejor en <strong>horas o días</strong> en lugar de semanas; la mayoría de los estudios midió el efecto en la primera semana después de una sola infusión. En un estudio de seis infusiones en 12 días, respondieron unas 7 de cada 10 personas, y entre ellas la mediana de tiempo hasta que volvieron los síntomas fue de 18 días.
about-22 = No se toman en casa. Cada dosis se administra, o se la administra uno mismo bajo observación directa, en una clínica.
about-23 = Fuentes: Sanacora et al. 2017 (referencia clínica §4.1); Murrough et al. 2013 (§4.3); REMS de SPRAVATO (§3.7).
about-24 = Por qué solo bajo supervisión
about-25 = Ambos medicamentos pueden causar <strong>sedación</strong> (somnolencia: la mitad o más de las personas que recibieron esketamina en los ensayos), <strong>disociación</strong> (sentirse desconectado de uno mismo o del entorno: seis o más de cada diez), un <strong>aumento de la presión arterial</strong> y, rara vez, <strong>respiración lenta</strong>. Para la esketamina, la FDA exige un programa de seguridad (un REMS):
about-26 = Nunca se entrega para usar en casa. Usted usa el aerosol en una clínica certificada mientras un profesional de salud le observa.
about-27 = Se le <strong>vigila durante al menos 2 horas</strong> después de cada dosis, y hasta que la sedación, la disociación y cualquier problema respiratorio hayan desaparecido. Debe haber un profesional que receta en el lugar, y la respiración se vigila con un oxímetro de pulso.
about-28 = La <strong>presión arterial</strong> se mide antes de la dosis y unos 40 minutos después, cuando el aumento suele llegar a su punto más alto; puede durar unas 4 horas.
about-29 = No debe conducir ni manejar maquinaria hasta el día siguiente, después de dormir bien, así que alguien tiene que llevarle a casa.
about-30 = Para las infusiones de ketamina, la American Society of Anesthesiologists recomienda que solo la administren profesionales capacitados, con vigilancia y medios para un rescate, y advierte contra el uso en casa o sin vigilancia.
about-31 = Fuentes: información de prescripción y REMS de SPRAVATO (referencia clínica §3.4, §3.6, §3.7, §3.8); guía de la ASA 2025 (§4.5).
about-32 = Lo que se sabe, y lo que no, sobre el largo plazo
about-33 = La evidencia sobre la ketamina es más sólida para los episodios depresivos mayores sin rasgos psicóticos. El grupo de trabajo de investigación de la Asociación Estadounidense de Psiquiatría escribió en 2017 que la mayoría de los estudios “han examinado los efectos de menos de 1 mes de tratamiento” y que “hay datos publicados extremadamente limitados sobre la eficacia y la seguridad a más largo plazo”.
about-34 = El efecto de un solo ciclo suele desaparecer en semanas; por eso la esketamina continúa con dosis semanales o cada dos semanas después del primer mes, y por eso su etiqueta pide comprobar el beneficio al final de las primeras cuatro semanas. Una sola dosis de esketamina redujo brevemente el rendimiento mental en voluntarios sanos; los efectos a largo plazo sobre el pensamiento y la memoria no están bien estudiados.
about-35 = Fuentes: Sanacora et al. 2017 (referencia clínica §4.1); Murrough et al. 2013 (§4.3); dosis y advertencias de SPRAVATO (§3.2, §3.6).
about-36 = A quién pueden no convenirle
about-37 = La etiqueta de la esketamina dice que <strong>no</strong> deben usarla las personas con:
about-38 = enfermedad vascular aneurismática (un vaso sanguíneo dilatado, en la aorta, el cerebro u otra parte) o una malformación arteriovenosa;
about-39 = antecedentes de sangrado en el cerebro (hemorragia intracerebral);
about-40 = alergia a la esketamina, la ketamina o cualquiera de los demás ingredientes.
about-41 = Otras situaciones exigen más cuidado y una conversación detenida sobre beneficios y riesgos: presión arterial alta (como guía general, por encima de 140/90) o enfermedad del corazón y de los vasos sanguíneos; embarazo o lactancia; psicosis; antecedentes de consumo de sustancias; uso de otros medicamentos que causan somnolencia (como benzodiazepinas, opioides o alcohol) o que suben la presión arterial (como estimulantes o IMAO); e inflamación de la vejiga (cistitis). Como con todos los antidepresivos, los jóvenes necesitan una vigilancia estrecha de los pensamientos suicidas.
about-42 = Son cosas para hablar con un profesional de salud, no un veredicto. KetaPath nunca le dice si es candidato o no.
about-43 = Fuentes: contraindicaciones y advertencias de SPRAVATO (referencia clínica §3.3, §3.5, §3.6).
about-44 = Fuentes
about-45 = Los números de sección remiten a la referencia clínica de KetaPath, que registra cada dato con su fuente y con qué grado está confirmado.
about-46 = §1.1: Gaynes BN et al. Defining treatment-resistant depression. Depression and Anxiety 2020;37(2):134–145. Sforzini L et al. Molecular Psychiatry 2022 (consenso Delphi de EU-PEARL). Consenso de expertos canadienses, Depression and Anxiety 2021;38(4):456–467.
about-47 = §3.1–§3.8: información de prescripción en EE. UU. del aerosol nasal SPRAVATO® (esketamina) (2019) e Información Importante de Seguridad; REMS de SPRAVATO de la FDA (actualizado el 31 de diciembre de 2024).
about-48 = §4.1: Sanacora G et al. A consensus statement on the use of ketamine in the treatment of mood disorders. JAMA Psychiatry 2017;74(4):399–405.
about-49 = §4.2: Andrade C. Journal of Clinical Psychiatry 2017;78(7):e852–e857. Parikh SV et al. Psychopharmacology Bulletin 2021;51(3):109–124.
about-50 = §4.3: Murrough JW et al. Rapid and longer-term antidepressant effects of repeated ketamine infusions. Biological Psychiatry 2013;74(4):250–256.
about-51 = §4.5: American Society of Anesthesiologists. Guía sobre el uso seguro de la ketamina fuera del tratamiento del dolor agudo y de la sedación para procedimientos, febrero de 2025.
