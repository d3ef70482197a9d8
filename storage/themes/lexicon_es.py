"""A small Spanish polarity lexicon for staff comments, on TextBlob's -1..1 scale.

Provenance: written by hand for Outward (Apache-2.0, like the rest of the project) from common
Spanish workplace vocabulary; values mirror the TextBlob/Pattern English entries of the same
meaning where one exists ("bueno" ~ "good" 0.7, "malo" ~ "bad" -0.7). Word forms are listed
without accents as well, since chat text often drops them. No translation is involved: Spanish
comments are scored with this lexicon and the Spanish cue phrases in ``sentiment.py``.
"""

from __future__ import annotations

_POSITIVE = {
    "bueno": 0.7, "buena": 0.7, "buenos": 0.7, "buenas": 0.7, "bien": 0.5,
    "excelente": 1.0, "excelentes": 1.0, "genial": 0.8, "maravilloso": 1.0, "maravillosa": 1.0,
    "fantastico": 0.8, "fantástico": 0.8, "fantastica": 0.8, "fantástica": 0.8,
    "util": 0.5, "útil": 0.5, "utiles": 0.5, "útiles": 0.5, "agradable": 0.6,
    "contento": 0.6, "contenta": 0.6, "contentos": 0.6, "feliz": 0.8, "felices": 0.8,
    "gracias": 0.5, "agradecido": 0.6, "agradecida": 0.6, "agradecemos": 0.6, "agradezco": 0.6,
    "apoyo": 0.4, "apoya": 0.4, "apoyan": 0.4, "apoyada": 0.4, "apoyado": 0.4,
    "mejor": 0.5, "mejores": 0.5, "mejoro": 0.4, "mejoró": 0.4, "orgulloso": 0.6,
    "orgullosa": 0.6, "encanta": 0.7, "encantan": 0.7, "encantó": 0.7, "disfruto": 0.6,
    "disfrutan": 0.6, "amable": 0.6, "amables": 0.6, "respeto": 0.4, "respetan": 0.4,
    "positivo": 0.5, "positiva": 0.5, "seguro": 0.3, "segura": 0.3, "claro": 0.2, "clara": 0.2,
    "fácil": 0.4, "facil": 0.4, "bienvenido": 0.5, "bienvenida": 0.5, "valorado": 0.5,
    "valorada": 0.5, "valoran": 0.5, "éxito": 0.7, "exito": 0.7, "ayuda": 0.3, "ayudan": 0.3,
    "justo": 0.4, "justa": 0.4, "increíble": 0.7, "increible": 0.7, "gran": 0.5, "grande": 0.2,
}
_NEGATIVE = {
    "malo": -0.7, "mala": -0.7, "malos": -0.7, "malas": -0.7, "mal": -0.6,
    "terrible": -1.0, "horrible": -1.0, "pésimo": -1.0, "pesimo": -1.0, "pésima": -1.0,
    "pesima": -1.0, "peor": -0.7, "difícil": -0.4, "dificil": -0.4, "difíciles": -0.4,
    "problema": -0.4, "problemas": -0.4, "queja": -0.4, "quejas": -0.4, "falta": -0.5,
    "faltan": -0.5, "escasez": -0.6, "insuficiente": -0.6, "insuficientes": -0.6,
    "cansado": -0.5, "cansada": -0.5, "cansados": -0.5, "agotado": -0.6, "agotada": -0.6,
    "agotados": -0.6, "estrés": -0.6, "estres": -0.6, "estresante": -0.6, "injusto": -0.6,
    "injusta": -0.6, "inseguro": -0.6, "insegura": -0.6, "peligroso": -0.7, "peligrosa": -0.7,
    "miedo": -0.6, "triste": -0.6, "frustrado": -0.6, "frustrada": -0.6, "frustrante": -0.6,
    "ignorado": -0.6, "ignorada": -0.6, "ignoran": -0.6, "ignorados": -0.6,
    "discriminación": -0.8, "discriminacion": -0.8, "racismo": -0.8, "acoso": -0.8,
    "lento": -0.4, "lenta": -0.4, "roto": -0.5, "rota": -0.5, "rotos": -0.5, "sucio": -0.5,
    "sucia": -0.5, "confuso": -0.4, "confusa": -0.4, "tarde": -0.2, "nunca": -0.3,
    "sobrecargado": -0.6, "sobrecargada": -0.6, "sobrecarga": -0.6, "abrumado": -0.6,
    "abrumada": -0.6, "preocupa": -0.4, "preocupado": -0.4, "preocupada": -0.4,
    "necesitamos": -0.3, "necesita": -0.3, "necesitan": -0.3, "deberían": -0.3,
    "deberian": -0.3, "debería": -0.3, "deberia": -0.3, "ojalá": -0.2, "ojala": -0.2,
}
LEXICON: dict[str, float] = {**_POSITIVE, **_NEGATIVE}
NEGATORS = frozenset({"no", "nunca", "jamás", "jamas", "sin", "tampoco", "ni", "nadie", "nada"})
