"""Word lists that decide whether a word that could be a name is used as one (English, Spanish).

All entries are folded (lower case, no accents), as :func:`storage.anonymise.normalise.fold`
returns them.
"""

from __future__ import annotations

__all__ = [
    "ACTS",
    "AFTER_NAME",
    "BEFORE_NAME",
    "COLLEAGUES",
    "COMMON_WORD_NAMES",
    "ENGLISH_HINTS",
    "FUNCTION_WORDS",
    "HONORIFICS",
    "LOUD_ACTS",
    "MESSAGE_WORDS",
    "NOT_PERSON_WORDS",
    "ORIGIN_WORDS",
    "ORDINARY_FOLLOWERS",
    "PARTICLES",
    "SENTENCE_END",
    "SHORT_NAMES",
    "SPANISH_ACTS",
    "SPANISH_HINTS",
    "SPANISH_FORMS",
    "TALK_VERBS",
    "UNITS",
    "VERB_SKIPS",
    "WORK_VERBS",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = _words(
    """mr mrs ms miss mx dr prof sir dame rev fr jr sr ii iii iv phd md dds dvm esq
    sra srta dra lic ing senor senora senorita dona"""
)
# Surname particles: part of a full name, never replaced on their own.
PARTICLES = _words(
    "al bin ibn da das de del della der den di dos du el la le lo st ter ten van von y e"
)
# Words so frequent that a name spelled like them ("An", "So", "Ella") is only replaced
# mid-sentence and capitalised. Modal verbs are not here: "Will" and "May" follow the
# common-word rule.
FUNCTION_WORDS = _words(
    """a an the and or but nor so yet if then than as at by for from in into of off on onto
    per via out over to up upon with within without about after before i me my we us our you your he
    him his she her it its they them their this that these those there here who what which
    when where why how is am are was were be been being do does did have has had
    not no yes all any some each every both either
    neither one just only also too very more most much many few lot please thanks thank
    everyone everybody someone somebody anyone anybody nobody noone
    el la los las un una unos unas y o u pero si sino que como cuando donde quien yo tu te ti
    mi mis su sus nos ella ellas ellos usted ustedes le les lo se es son fue ser esta este
    esto estas estos eso esa ese con sin para por sobre entre hasta desde muy mas ya no hay
    todo toda todos todas nada algo gracias alguien nadie alguno alguna algunos algunas
    ninguno ninguna cualquiera"""
)
# First or last names that are also ordinary English or Spanish words. A roster name on this
# list is only replaced when it is written capitalised (or lower case in a name position,
# "ask grace about it"), so "there is hope" and "la esperanza" survive.
COMMON_WORD_NAMES = _words(
    """abbey amber angel april art august autumn bay bell bill birch bishop black blake bliss
    bloom blossom bond booker bowman brady brook brooke brooks brown bud buck bunny burns bush
    butcher butler cannon carpenter carter cash chance chase cherry chip christian clay cliff
    cole cook cooper coral crane crystal dale dash dawn day dean dell destiny diamond dixie dock
    don drew duke dusty earl early east ebony echo eden ever faith fate fern field fields fisher
    fletcher flint ford forest fortune fox frank free friend gale garden gardener gay gem gene
    gift glen glenn gold golden good grace grant gray green grey guy hale hall hardy harmony
    hawk hazel heath heather hill hills holly honey hope hunter husband iris ivory ivy jack jade
    jay jewel jolly joy judge june justice king knight lake lamb lance lane law lee legend letter
    light lily long love lucky mac major march mark marsh mason may meadow mercy merry miles
    mill miller millie mint misty moon moore morning moss nash neat new north oak ocean olive
    page palmer park parker patience pearl penny pepper pierce pike pine piper pool pope porter
    power powers price prince queen rain ray read reed rich rider river robin rock rose ruby
    rush rusty sage sailor saint sandy savage scout sea shepherd short silver sky skye slate
    small smart snow sparks spring star sterling stone storm street summer sunny swan sweet
    taylor temple terry thorn trinity true tucker turner vale valentine walker ward warren wash
    waters weaver west white wilde will winter wise wolf wood woods worth wren young
    pat sue bob nick rob rick matt dot peg kit ginger candy carol randy charity prudence
    experience honor liberty
    alegria amparo angeles asuncion aurora blanca bueno caridad celeste clara concepcion
    consuelo cruz dolores domingo esperanza estrella fe feliz flor franco gloria inocencia jesus
    justo leal leon libertad lucero luna luz mar mercedes milagros modesto nieves paloma pastor
    paz pilar primavera remedios reyes rocio rosa rosario salvador santos sierra socorro sol
    soledad trinidad victoria verdad"""
)
# After a sentence-initial "Will", "Hope", "Mark", "Rose" ... these show the ordinary use:
# "Will you help", "Hope this helps", "Mark the date", "Rose to the occasion".
ORDINARY_FOLLOWERS = _words(
    """a an the this that these those my your our their his her its some any every each all no
    i me you we us they them he him she it there to not for up on in out off with
    el la los las un una es de que en"""
)
SENTENCE_END = frozenset('.!?:;\n•*-–—"“”(¿¡')

# A lower-case roster name right after one of these, or right before one of AFTER_NAME, is
# used as a name: "ask dana about it", "from grace:", "thanks hope!", "dana said".
BEFORE_NAME = _words(
    """ask asked asking tell told telling thank thanks thx ty ping pinged cc dm message
    messaged email emailed call called text texted from per
    preguntale preguntele pregunta pregunte dile digale gracias avisale habla hable"""
)
# Two-letter given names and nicknames, too short for the rules that take a lower-case name
# (in lower case most two-letter words are no names; "al" only capitalised): a name right
# after a cue ("ask mo", "thanks jo", "tell Ed", "ask for mo at the desk").
SHORT_NAMES = _words("mo al ed jo bo ty cj jj aj dj tj pj rj bj kc jd li wu xu")
# "talk to hope", "spoke with will", "pregúntale a esperanza", "gracias a Joaquín".
TALK_VERBS = _words(
    """talk talked talking spoke speak speaking thanks thank said say reach reached went go
    preguntale preguntele pregunta pregunte dile digale gracias avisale habla hable hablar
    hablamos agradezco"""
)
AFTER_NAME = _words(
    """said says told asked thinks thought wants wanted mentioned suggested agreed
    dijo dice comento pidio quiere piensa quiso supo"""
)
# Job titles and words for a colleague, a relative or a patron, written in lower case before a
# name: "the new supervisor Dana", "our branch manager tom", "my coworker Rain", "mi compañera
# Rosa", "my sister Hope", "a patron Carlos".
COLLEAGUES = _words(
    """supervisor supervisors manager managers boss coworker coworkers colleague colleagues
    lead director coordinator hire assistant clerk librarian custodian aide intern volunteer
    mentor mentee teammate deputy administrator specialist technician officer analyst
    associate trainee trainer janitor receptionist worker partner
    supervisora jefa jefe companera companero gerente coordinadora coordinador directora
    encargado encargada asistente bibliotecaria bibliotecario voluntaria voluntario colega
    wife husband spouse sister brother son daughter mother father mom dad cousin aunt uncle
    niece nephew patron
    esposa esposo hermana hermano hija hijo madre padre mama papa prima primo tia tio sobrina
    sobrino usuaria usuario"""
)
# Departments named like a person after "from", "ask", "thanks": "Updates from Facilities",
# "ask Payroll" (none is a given name; "Banks", "Graves" and "Mills" are surnames too).
UNITS = _words(
    """facilities operations communications maintenance custodial payroll finance purchasing
    procurement marketing outreach acquisitions collections logistics accounting circulation
    reference programming security cataloging cataloguing admin administration management
    recursos nominas mantenimiento limpieza finanzas compras circulacion referencia"""
)
# "working with Sunny", "trabajo con Rosa": a name after "with", "con".
WORK_VERBS = _words("work works worked working trabajo trabaja trabajamos trabajar trabajando")
# What people do and months, places and calendars do not: "Abril dijo que no", "Mayo nunca
# contesta", "keiko never answers" (not "Abril fue lluvioso", "En mayo hizo calor": months are,
# make heat, have and bring). Past adverbs and clitics (VERB_SKIPS) between the two.
# Spanish ones apart: after names the English pipeline alone reads as places ("Milagros y
# Consuelo siempre llegan tarde"), a Spanish verb of these is what people do. Months come and
# arrive in the singular ("Mayo llegó con lluvias"), people in the plural ("no vinieron").
SPANISH_ACTS = _words(
    """dijo dice comento pidio quiere piensa quiso supo
    vinieron llegaron llegan faltaron
    dicen dijeron contesto contesta contestan contestaron respondio responde responden
    respondieron grito grita gritan gritaron pide piden pidieron quisieron sabe saben
    supieron pregunto preguntan preguntaron escribio escribieron hablo hablaron penso creyo
    insulto insultaron ignoro ignora ignoran ignoraron renuncio mintio miente llamo quejo
    queja quejan quejaron"""
)
ACTS = AFTER_NAME | SPANISH_ACTS | _words(
    """answered answers replied replies responded responds yelled yells shouted shouts
    screamed screams refused refuses ignored ignores complained complains emailed texted
    lied insulted mocked promised quit knew"""
)
# The loudest of ACTS, which no agency or union does either: an unknown word in capitals before
# one of these is a surname shouted ("NGUYEN yelled at me"), not an acronym ("FMLA says").
LOUD_ACTS = _words(
    """yelled yells shouted shouts screamed screams cursed swore laughed cried smirked glared
    mocked insulted grito grita gritaron insulto insultaron"""
)
VERB_SKIPS = _words(
    """never always still just also already often again no nunca siempre ya tampoco tambien
    todavia se me te nos le les lo la"""
)
# Common irregular Spanish verb forms the Spanish pipeline's lemmatizer index and rules miss
# (preterite and present of ser, ir, hacer, tener, poner, venir, dar, estar, querer, poder,
# saber, decir, traer): words, no names ("Mi compañera Dayana dijo", "ABRIL FUE LLUVIOSO").
SPANISH_FORMS = _words(
    """fui fue fuimos fueron hice hizo hicimos hicieron tuve tuvo tuvimos tuvieron puse puso
    pusimos pusieron vine vino vinimos vinieron di dio dimos dieron estuve estuvo estuvimos
    estuvieron quise quiso quisimos quisieron pude pudo pudimos pudieron supe supo supimos
    supieron dije dijo dijimos dijeron traje trajo trajimos trajeron soy eres somos son voy
    vas va vamos van hay hace hacen tiene tienen viene vienen dice dicen puede pueden quiere
    quieren sabe saben da dan"""
)

# Words that make a capitalised word before or around them a place, a group or a thing.
NOT_PERSON_WORDS = _words(
    """inc llc ltd plc corp corporation company co group partners solutions systems services
    university college school academy institute bank library libraries branch street st avenue
    ave road rd lane boulevard blvd drive way park center centre hall building council county
    city state department dept office hospital clinic church foundation association union
    committee board team teams project program programme fund trust agency ministry court
    event events day days week month festival celebration party display sale fair night class
    classes session sessions training meeting meetings system app software platform district
    neighborhood neighbourhood campus station airport
    calle avenida plaza biblioteca escuela colegio universidad ayuntamiento
    departamento oficina equipo proyecto empresa"""
)
# "from" before a place or a person: "families from Jordan", "moved from Kenya", "are from
# Chad" name where people come from (with any plural noun: "refugees", "patrons"); "a message
# from Jordan", "emails from Chad" name who wrote (so does anything else before "from").
ORIGIN_WORDS = _words(
    """family patron refugee immigrant migrant student person people man woman men women child
    children kid kids folks visitor newcomer household resident customer user worker guy lady
    girl boy teen senior couple group community speaker someone somebody anyone many most
    those some all others staff employee coworker colleague volunteer member parent mother
    father moved move moves moving came come comes coming fled flee fleeing
    arrived arrive arriving emigrated immigrated relocated originally born is are was were
    be been hail hails traveled travelled returned escaped deported here"""
)
MESSAGE_WORDS = _words(
    """message messages note notes email emails mail text texts call calls letter letters
    reply replies response responses memo memos voicemail voicemails complaint complaints
    request requests update updates question questions invitation invitations"""
)

# Words that mark a comment as Spanish for choosing the Spanish pipeline (see ner.py).
SPANISH_HINTS = _words(
    """el la los las del al que de en y es por para con una un pero como mas muy esta este
    son fue ser hay tiene tenemos estamos nos les le lo se su sus mi mis yo usted nuestra
    nuestro nuestras nuestros
    ustedes porque cuando donde tambien todo todos nada siempre nunca gracias trabajo horario
    equipo dijo semana hoy ayer hizo tuvo puso estuvo quiso pudo supo trajo fueron hicieron
    tuvieron pusieron estuvieron quisieron pudieron supieron dijeron trajeron vinieron"""
)
# English function words no Spanish word is spelled like: a comment with as many of these as of
# SPANISH_HINTS is English ("Families from El Salvador need forms").
ENGLISH_HINTS = _words(
    """the of and to is are was were from for with we they our you this that have need not it
    at be by i my"""
)
