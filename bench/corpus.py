#!/usr/bin/env python3
"""Generate a synthetic but realistic Vitrine site, and the same catalogue for Pelican and Hugo.

    python bench/corpus.py --badges N --out DIR [--seed S] [--pelican DIR] [--hugo DIR]

DIR receives a complete Vitrine site (site.yaml, content/issuers, content/competencies,
content/badges, content/pages, content/images) that follows docs/format.md exactly. The same
badges (same title, date, category, tags and Markdown body) are written as a Pelican project
(default DIR.pelican/) and a Hugo project (default DIR.hugo/), so that each tool renders about
the same pages: one per published badge, plus listings. Draft badges are left out of the Pelican
and Hugo corpora, since Vitrine does not publish them either.

Everything is drawn from one random.Random(seed): the same seed gives byte-identical files.
Needs PyYAML and Pillow (both in the repository's venv).
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import sys
import unicodedata
import uuid
from datetime import date, timedelta
from pathlib import Path

import yaml

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

CITIES = [
    "Nantes", "Angers", "Le Mans", "Rennes", "Brest", "Dijon", "Besançon", "Tours", "Poitiers",
    "Caen", "Rouen", "Lille", "Lyon", "Grenoble", "Clermont-Ferrand", "Bordeaux", "Toulouse",
    "Montpellier", "Strasbourg", "Nancy", "Reims", "Limoges", "Orléans", "Amiens", "Metz",
    "Saint-Nazaire", "La Roche-sur-Yon", "Lorient", "Vannes", "Belfort",
]

# (name, one-line description)
SERVICES = [
    ("Bibliothèque universitaire", "Les bibliothèques du campus : documentation, formation et accueil des publics."),
    ("Service culturel", "Programmation artistique, ateliers de pratique et accompagnement des projets étudiants."),
    ("Service d'orientation et d'insertion professionnelle", "Orientation, stages, emploi et construction du projet professionnel."),
    ("Théâtre universitaire", "Une scène ouverte aux étudiants, aux compagnies et aux publics du campus."),
    ("Mission entrepreneuriat", "Accompagnement des étudiants qui créent une activité ou une entreprise."),
    ("Maison des étudiants", "Un lieu de vie, d'initiatives et d'engagement au cœur du campus."),
    ("Service des sports", "Pratique sportive, compétitions universitaires et encadrement bénévole."),
    ("Service de santé étudiante", "Prévention, consultations et actions de santé menées avec les étudiants relais."),
    ("Direction des relations internationales", "Mobilité sortante, accueil des étudiants internationaux et partenariats."),
    ("Centre de langues", "Apprentissage des langues, tandems linguistiques et certifications."),
    ("Service de la vie étudiante", "Soutien aux associations, aux élus étudiants et aux initiatives de campus."),
    ("Fablab du campus", "Un atelier de fabrication numérique ouvert aux étudiants et aux personnels."),
    ("Radio campus", "La radio associative des étudiants : émissions, reportages et podcasts."),
    ("Relais handicap", "Accompagnement des étudiants en situation de handicap et sensibilisation."),
    ("Mission développement durable", "Transition écologique du campus et projets étudiants engagés."),
    ("Faculté des sciences et techniques", "Formations et laboratoires en sciences, technologies et santé."),
    ("Faculté des lettres et langues", "Formations en lettres, langues, arts et sciences humaines."),
    ("Institut universitaire de technologie", "Formations technologiques et professionnalisantes, en lien avec les entreprises."),
    ("École doctorale", "Formation et accompagnement des doctorantes et des doctorants."),
    ("Pôle numérique", "Usages numériques, pédagogie et accompagnement des projets en ligne."),
    ("Bureau des arts", "Association étudiante qui fait vivre les pratiques artistiques sur le campus."),
    ("Service universitaire de pédagogie", "Innovation pédagogique, tutorat et accompagnement à la réussite."),
    ("Observatoire de la vie étudiante", "Enquêtes et études sur les conditions de vie et d'études."),
    ("Service des archives", "Conservation, valorisation et médiation du patrimoine de l'université."),
    ("Cité des métiers", "Information sur les métiers, la formation et l'emploi, ouverte à tous les publics."),
]

NETWORKS = [  # (name, description, name with article)
    ("Ligue de l'enseignement", "Fédération d'éducation populaire qui anime le réseau Badgeons sur le territoire.", "la Ligue de l'enseignement"),
    ("Réseau des tiers-lieux", "Les tiers-lieux du territoire mettent en commun la reconnaissance des apprentissages.", "le réseau des tiers-lieux"),
    ("Collectif des associations étudiantes", "Le collectif qui fédère les associations étudiantes de la ville.", "le collectif des associations étudiantes"),
]

# (name, noun with article, action (infinitive phrase), deliverable)
ACTIVITIES = [
    ("Expression orale", "l'expression orale", "prendre la parole devant un public", "une intervention orale d'une dizaine de minutes"),
    ("Médiation culturelle", "la médiation culturelle", "concevoir et animer une action de médiation culturelle", "un dossier de médiation illustré"),
    ("Tutorat entre pairs", "le tutorat entre pairs", "accompagner des étudiants de première année dans leurs études", "un carnet de suivi des séances de tutorat"),
    ("Recherche documentaire", "la recherche documentaire", "mener une recherche documentaire rigoureuse", "une bibliographie commentée"),
    ("Gestion de projet", "la gestion de projet", "piloter un projet collectif du début à la fin", "un rapport de projet accompagné de son planning"),
    ("Animation d'ateliers", "l'animation d'ateliers", "préparer et animer un atelier pour un groupe", "le déroulé détaillé d'un atelier"),
    ("Engagement associatif", "l'engagement associatif", "prendre des responsabilités dans une association", "un bilan de l'action menée dans l'association"),
    ("Organisation d'événements", "l'organisation d'événements", "organiser un événement ouvert au public", "le rétroplanning et le bilan de l'événement"),
    ("Communication scientifique", "la communication scientifique", "présenter un travail de recherche à un public non spécialiste", "un support de présentation et sa captation vidéo"),
    ("Écriture créative", "l'écriture créative", "écrire et retravailler un texte de création", "un recueil de textes retravaillés"),
    ("Pratique théâtrale", "la pratique théâtrale", "participer à la création d'un spectacle", "un journal de création"),
    ("Accueil des publics", "l'accueil des publics", "accueillir et orienter des visiteurs", "une fiche de procédure d'accueil"),
    ("Création d'entreprise", "la création d'entreprise", "construire et présenter un projet de création d'activité", "un modèle économique et un argumentaire"),
    ("Veille informationnelle", "la veille informationnelle", "organiser une veille sur un sujet de son choix", "une synthèse de veille mensuelle"),
    ("Production audiovisuelle", "la production audiovisuelle", "réaliser un court film documentaire", "un film de moins de cinq minutes"),
    ("Conduite de réunion", "la conduite de réunion", "préparer et animer une réunion de travail", "un ordre du jour et un compte rendu"),
    ("Médiation numérique", "la médiation numérique", "accompagner des personnes dans leurs usages numériques", "un guide pratique destiné aux usagers"),
    ("Éloquence", "l'éloquence", "défendre une position lors d'un concours d'éloquence", "l'enregistrement d'une plaidoirie"),
    ("Débat argumenté", "le débat argumenté", "préparer et animer un débat contradictoire", "une fiche d'argumentaire sourcée"),
    ("Coopération internationale", "la coopération internationale", "contribuer à un projet avec des partenaires étrangers", "un compte rendu bilingue du projet"),
    ("Prévention santé", "la prévention santé", "mener une action de prévention auprès des étudiants", "un support de sensibilisation"),
    ("Développement durable", "le développement durable", "conduire une action pour réduire l'empreinte écologique du campus", "un diagnostic et un plan d'action chiffré"),
    ("Citoyenneté numérique", "la citoyenneté numérique", "sensibiliser un public aux enjeux de la vie privée en ligne", "une séquence de sensibilisation"),
    ("Représentation étudiante", "la représentation étudiante", "siéger dans une instance de l'université", "un bilan de mandat"),
    ("Encadrement sportif", "l'encadrement sportif", "encadrer une séance d'activité physique", "une fiche de séance et son évaluation"),
    ("Traduction", "la traduction", "traduire un document pour un usage réel", "une traduction annotée"),
    ("Journalisme étudiant", "le journalisme étudiant", "enquêter et publier un article dans un média étudiant", "un article publié et ses notes d'enquête"),
    ("Radio universitaire", "la radio universitaire", "préparer et présenter une émission de radio", "le conducteur et l'enregistrement d'une émission"),
    ("Création graphique", "la création graphique", "concevoir l'identité visuelle d'un projet", "une charte graphique"),
    ("Programmation", "la programmation", "développer un petit logiciel utile à une communauté", "le code source documenté"),
    ("Analyse de données", "l'analyse de données", "analyser un jeu de données ouvertes", "un rapport d'analyse reproductible"),
    ("Fabrication numérique", "la fabrication numérique", "concevoir et fabriquer un objet au fablab", "les fichiers de conception et une photo de l'objet"),
    ("Accompagnement à la réussite", "l'accompagnement à la réussite", "aider des étudiants à organiser leur travail", "un portfolio des séances"),
    ("Parrainage d'étudiants internationaux", "le parrainage d'étudiants internationaux", "accueillir un étudiant international pendant un semestre", "un carnet de parrainage"),
    ("Pratique musicale", "la pratique musicale", "participer à un ensemble musical du campus", "l'enregistrement d'un concert"),
    ("Photographie", "la photographie", "réaliser un reportage photographique", "une série de douze photographies légendées"),
    ("Podcast", "la création de podcasts", "concevoir et diffuser un épisode de podcast", "un épisode publié"),
    ("Archives et patrimoine", "la valorisation du patrimoine", "valoriser un fonds d'archives", "une notice et une courte exposition"),
    ("Bénévolat solidaire", "le bénévolat solidaire", "s'engager dans une action de solidarité", "un témoignage écrit sur l'action menée"),
    ("Sauvetage et premiers secours", "les premiers secours", "assurer les gestes de premiers secours lors d'un événement", "une attestation de participation à un poste de secours"),
]

QUALIFIERS = [
    "en bibliothèque", "en équipe", "au service des étudiants", "en contexte international",
    "auprès du grand public", "en milieu associatif", "pour les nouveaux arrivants", "sur le campus",
    "en ligne", "en résidence universitaire", "au laboratoire", "en entreprise",
    "auprès des lycéens", "dans les quartiers", "en langue étrangère", "au théâtre universitaire",
]

PUBLICS = [
    "des étudiants de première année", "des lycéens en visite", "le grand public", "des étudiants internationaux",
    "des personnels de l'université", "des enfants accueillis au centre de loisirs", "des habitants du quartier",
    "des étudiants en situation de handicap", "des doctorants", "des visiteurs de la bibliothèque",
]

TOOLS = [
    "un tableur partagé", "un logiciel de montage", "une plateforme de gestion de projet", "un outil de sondage en ligne",
    "un carnet de bord", "un espace de travail collaboratif", "une grille d'auto-évaluation", "un outil de cartographie mentale",
]

PLACES = [
    "la bibliothèque universitaire", "la maison des étudiants", "le théâtre universitaire", "le fablab",
    "un lycée partenaire", "une association du quartier", "le service culturel", "un laboratoire de recherche",
]

INTRO = [
    "Ce badge reconnaît l'engagement des étudiants qui choisissent {de_action} dans le cadre de leur parcours.",
    "Il atteste que son titulaire sait {action}, en mobilisant des compétences utiles bien au-delà de l'université.",
    "{Noun} est une expérience formatrice : elle demande de l'organisation, de l'écoute et une bonne dose de persévérance.",
    "Le badge a été conçu par {issuer} avec des étudiants qui avaient eux-mêmes vécu cette expérience.",
    "Il s'adresse à toute personne inscrite à l'université, quelle que soit sa filière ou son année d'études.",
    "Les activités reconnues se déroulent le plus souvent {at_place}, mais d'autres lieux sont possibles avec l'accord de l'équipe.",
    "À travers {noun}, vous apprenez à travailler avec {public} et à adapter votre manière de faire à leurs attentes.",
    "Ce badge rend visibles des apprentissages qui n'apparaissent ni dans les relevés de notes ni dans les diplômes.",
    "Il complète utilement un curriculum vitæ ou un profil professionnel en ligne, puisqu'il peut être vérifié par n'importe qui.",
    "Les compétences travaillées relèvent notamment de la capacité à {comp}.",
    "De nombreux étudiants l'obtiennent au cours d'une année universitaire, en parallèle de leurs cours.",
    "Il constitue souvent une première étape avant des responsabilités plus importantes au sein {of_issuer}.",
]

CRITERIA = [
    "avoir consacré *au moins {hours} heures* à l'activité, réparties sur {weeks} semaines",
    "avoir su {action} en autonomie, après une période d'accompagnement",
    "avoir participé à la séance d'accueil organisée par {issuer}",
    "avoir travaillé avec {public} en tenant compte de leurs besoins",
    "avoir produit {deliverable}",
    "avoir présenté le travail réalisé lors d'un temps d'échange collectif",
    "avoir respecté les règles de fonctionnement et de sécurité {of_place}",
    "avoir tenu un carnet de bord tout au long de l'activité",
    "avoir sollicité et pris en compte les retours d'au moins deux personnes",
    "avoir utilisé {tool} pour organiser son travail",
    "avoir fait preuve de ponctualité et de régularité dans son engagement",
    "avoir contribué à la préparation matérielle des séances",
    "avoir rédigé une courte analyse réflexive sur son expérience",
    "avoir identifié les difficultés rencontrées et proposé des pistes d'amélioration",
    "avoir transmis son savoir-faire à une personne qui prendra le relais",
    "avoir montré sa capacité à {comp} dans une situation concrète",
    "avoir participé à au moins {sessions} séances collectives",
    "avoir respecté la confidentialité des informations personnelles rencontrées",
    "avoir coopéré avec les autres bénévoles et avec l'équipe encadrante",
    "avoir évalué l'action menée à l'aide d'indicateurs simples",
]

EVIDENCE_LEAD = [
    "Votre demande doit être accompagnée des pièces suivantes :",
    "Pour que l'équipe puisse examiner votre demande, joignez :",
    "Les preuves attendues sont les suivantes :",
]

EVIDENCE = [
    "{deliverable}, au format PDF ou sous forme de lien",
    "une attestation signée par la personne qui vous a encadré",
    "un texte d'environ une page dans lequel vous décrivez ce que vous avez appris",
    "des photographies ou des enregistrements de l'activité, si les personnes concernées y ont consenti",
    "le carnet de bord tenu pendant l'activité",
    "la liste des séances auxquelles vous avez participé, avec leurs dates",
    "un retour écrit d'une personne du public ou d'un partenaire",
    "tout document qui vous paraît utile pour montrer votre démarche",
]

EVALUATION = [
    "La demande est examinée par un jury composé de membres {of_issuer} et d'étudiants déjà titulaires du badge.",
    "Le jury se réunit une fois par mois et rend sa décision dans un délai de trois semaines.",
    "L'évaluation porte sur la démarche autant que sur le résultat : une expérience inaboutie mais bien analysée peut être reconnue.",
    "En cas de refus, le jury explique ce qui manque et vous pouvez présenter une nouvelle demande **sans délai d'attente**.",
    "Consultez [la charte des badges]({link}) pour connaître les principes qui guident l'attribution.",
    "Un entretien de quinze minutes peut vous être proposé si le dossier ne permet pas de conclure.",
    "Les badges attribués sont publiés sur ce site et peuvent être ajoutés à votre profil professionnel.",
    "Toute la procédure est décrite dans [le guide du demandeur]({link}), mis à jour à chaque rentrée.",
]

ADVICE_HEAD = ["Conseils", "Pour aller plus loin", "Bon à savoir", "Quelques conseils"]

ADVICE = [
    "Commencez votre carnet de bord **dès la première séance** : il est difficile de reconstituer une expérience après coup.",
    "N'hésitez pas à contacter {issuer} avant de vous lancer, pour vérifier que votre projet correspond bien au badge.",
    "Le badge de niveau supérieur demande davantage d'autonomie et une expérience plus longue.",
    "Vous pouvez préparer votre dossier avec l'aide d'un étudiant déjà titulaire du badge.",
    "Pensez à demander l'accord des personnes avant de les photographier ou de les enregistrer.",
    "Les heures consacrées à l'activité peuvent aussi être valorisées dans le cadre de l'engagement étudiant.",
    "Une expérience réalisée pendant un stage ou un service civique peut être prise en compte.",
    "Gardez une trace des échanges avec les partenaires : ils montrent votre capacité à coopérer.",
    "Les ateliers de préparation proposés chaque trimestre sont ouverts à tous, sans inscription préalable.",
    "Si vous avez un doute sur la nature des preuves, un exemple de dossier complet est disponible sur demande.",
]

DESCRIPTIONS = [
    "Ce badge reconnaît la capacité à {action}. Il est attribué après examen d'un dossier de preuves.",
    "Attribué aux étudiants qui ont su {action}, ce badge valorise {noun} {qualifier}.",
    "Ce badge atteste une expérience réussie {of_noun_bare} {qualifier} et les compétences qu'elle mobilise.",
    "Pour les étudiants qui veulent {action} et faire reconnaître ce qu'ils ont appris.",
]

REQUEST_INSTRUCTIONS = [
    "Remplissez le formulaire en joignant vos preuves. Vous recevrez une réponse dans un délai de trois semaines.",
    "Écrivez-nous en précisant le badge demandé et en joignant vos preuves (PDF ou liens). Le jury se réunit chaque mois.",
    "Déposez votre demande en ligne ; un accusé de réception vous est envoyé immédiatement.",
]

ENDORSEMENT_COMMENTS = [
    "Nous reconnaissons ce badge comme une expérience significative dans nos recrutements de bénévoles.",
    "Ce badge correspond aux compétences que nous attendons de nos stagiaires.",
    "Badge construit en partenariat : nous en validons les critères.",
]

TAGS = [
    "numérique", "oral", "culture", "bibliothèque", "engagement", "théâtre", "entrepreneuriat", "langues",
    "recherche", "écriture", "développement durable", "tutorat", "santé", "sport", "international",
    "citoyenneté", "médiation", "projet", "événementiel", "bénévolat", "musique", "arts visuels", "cinéma",
    "photographie", "radio", "podcast", "journalisme", "patrimoine", "sciences", "données", "programmation",
    "fabrication", "design", "communication", "animation", "accueil", "orientation", "insertion",
    "handicap", "solidarité", "prévention", "premiers secours", "vie associative", "élus étudiants",
    "doctorat", "pédagogie", "réussite", "première année", "mobilité", "interculturel", "éloquence",
    "débat", "coopération", "leadership", "créativité", "autonomie", "écologie", "campus", "quartiers", "jeunesse",
]

COMPETENCY_GROUPS = [
    ("Communiquer", [
        "Prendre la parole en public", "Rédiger un écrit structuré", "Argumenter et convaincre",
        "Communiquer en langue étrangère", "Adapter son discours à son public", "Écouter activement",
        "Utiliser les outils de communication numérique", "Vulgariser un savoir",
    ]),
    ("Travailler avec les autres", [
        "Travailler en équipe", "Animer un groupe", "Gérer un conflit", "Coopérer avec des partenaires",
        "Accompagner un pair", "Négocier", "Organiser le travail collectif", "Valoriser la diversité",
    ]),
    ("Conduire un projet", [
        "Définir des objectifs", "Planifier des actions", "Gérer un budget", "Mobiliser des ressources",
        "Évaluer les résultats d'un projet", "Anticiper les risques", "Rendre compte de son action", "Respecter des délais",
    ]),
    ("Penser et créer", [
        "Rechercher et évaluer l'information", "Faire preuve d'esprit critique", "Résoudre un problème complexe",
        "Faire preuve de créativité", "Analyser des données", "Prendre des initiatives", "Apprendre à apprendre",
        "Transférer ses connaissances",
    ]),
    ("S'engager et agir de façon responsable", [
        "S'engager dans la vie collective", "Agir de façon éthique", "Prendre en compte les enjeux environnementaux",
        "Agir en citoyen·ne", "Respecter les règles de sécurité", "Prendre soin de sa santé",
        "Faire preuve d'autonomie", "Se connaître et valoriser ses compétences",
    ]),
]

COMPETENCY_BODY = [
    "Dans la pratique, cette compétence se manifeste lorsque l'étudiant sait {verb} dans une situation qu'il n'a pas choisie, avec des contraintes réelles.",
    "Elle se développe par l'expérience : un engagement associatif, un stage, un projet collectif ou une responsabilité au sein de l'université.",
    "Les badges qui la mobilisent demandent de décrire une situation précise, ce qui a été fait et ce qui en a été appris.",
    "Elle est recherchée par les employeurs, qui la citent régulièrement parmi les qualités attendues des jeunes diplômés.",
    "On l'observe aussi dans la manière dont une personne prend du recul sur son action et cherche à progresser.",
]

CATEGORIES = ["participation", "transversal", "technical", "network"]
CATEGORY_WEIGHTS = [25, 35, 30, 10]
VALIDITIES = [None, None, "P1Y", "P2Y", "P2Y", "P3Y", "P6M", "P1Y6M"]

# Shared badge images: (file, shape, background, foreground)
SVG_IMAGES = [
    ("badge-cercle-bleu.svg", "circle", "#1f5fa8", "#ffffff"),
    ("badge-cercle-vert.svg", "circle", "#2e7d4f", "#ffffff"),
    ("badge-hexagone-orange.svg", "hexagon", "#c4541b", "#ffffff"),
    ("badge-hexagone-violet.svg", "hexagon", "#6a3d9a", "#ffffff"),
    ("badge-bouclier-rouge.svg", "shield", "#b3261e", "#fff7e6"),
    ("badge-bouclier-ardoise.svg", "shield", "#37474f", "#ffe082"),
]
PNG_IMAGES = [
    ("badge-medaille-or.png", (196, 148, 28), (255, 255, 255)),
    ("badge-medaille-turquoise.png", (0, 121, 130), (255, 255, 255)),
]
LOGO_IMAGES = [
    ("logo-universite.svg", "#203864"),
    ("logo-service.svg", "#4a6fa5"),
    ("logo-association.svg", "#8a4f7d"),
]
IMAGE_ALTS = {
    "circle": "Médaillon rond {colour} portant le nom du badge",
    "hexagon": "Hexagone {colour} portant le nom du badge",
    "shield": "Écusson {colour} portant le nom du badge",
    "png": "Médaille {colour} portant le nom du badge",
}
COLOUR_NAMES = {
    "badge-cercle-bleu.svg": "bleu", "badge-cercle-vert.svg": "vert", "badge-hexagone-orange.svg": "orange",
    "badge-hexagone-violet.svg": "violet", "badge-bouclier-rouge.svg": "rouge", "badge-bouclier-ardoise.svg": "gris ardoise",
    "badge-medaille-or.png": "dorée", "badge-medaille-turquoise.png": "turquoise",
}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def with_article(name: str) -> str:
    """"Service culturel" -> "le service culturel", "École doctorale" -> "l'école doctorale"."""
    first = name.split()[0]
    if first[0] in "AEÉIOUaeéiou":
        return "l'" + lower_first(name)
    if first in ("Bibliothèque", "Mission", "Maison", "Direction", "Radio", "Faculté", "Cité"):
        return "la " + lower_first(name)
    return "le " + lower_first(name)


def de(word: str) -> str:
    """"de Nantes", "d'Orléans"."""
    return ("d'" if word[0] in "AEÉIOUaeéiou" else "de ") + word


def at(phrase: str) -> str:
    """"le fablab" -> "au fablab", "la maison" -> "à la maison"."""
    return "au " + phrase[3:] if phrase.startswith("le ") else "à " + phrase


def of(phrase: str) -> str:
    """"le service" -> "du service", "la mission" -> "de la mission"."""
    return "du " + phrase[3:] if phrase.startswith("le ") else de(phrase)


def words(markdown: str) -> int:
    """Words of prose in a Markdown text (markup and link targets left out)."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    return len(re.findall(r"[^\W\d_][\w'’·-]*", text))


def frontmatter(data: dict, body: str) -> str:
    head = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
    return f"---\n{head}---\n\n{body.rstrip()}\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def fresh_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------

def svg_badge(shape: str, bg: str, fg: str) -> str:
    if shape == "circle":
        outline = '<circle cx="128" cy="128" r="120" fill="{bg}"/><circle cx="128" cy="128" r="100" fill="none" stroke="{fg}" stroke-width="6"/>'
    elif shape == "hexagon":
        outline = '<polygon points="128,8 232,68 232,188 128,248 24,188 24,68" fill="{bg}"/><polygon points="128,30 213,79 213,177 128,226 43,177 43,79" fill="none" stroke="{fg}" stroke-width="6"/>'
    else:
        outline = '<path d="M128 8 L232 40 L232 120 C232 184 184 228 128 248 C72 228 24 184 24 120 L24 40 Z" fill="{bg}"/><path d="M128 30 L212 56 L212 120 C212 172 174 208 128 226 C82 208 44 172 44 120 L44 56 Z" fill="none" stroke="{fg}" stroke-width="6"/>'
    star = '<polygon points="128,70 143,108 184,110 152,136 163,176 128,153 93,176 104,136 72,110 113,108" fill="{fg}"/>'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img">'
        + (outline + star).format(bg=bg, fg=fg)
        + "</svg>\n"
    )


def svg_logo(colour: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200" viewBox="0 0 200 200" role="img">'
        f'<rect width="200" height="200" rx="24" fill="{colour}"/>'
        '<rect x="40" y="120" width="120" height="16" fill="#ffffff"/>'
        '<polygon points="100,40 164,96 36,96" fill="#ffffff"/>'
        '<rect x="52" y="100" width="14" height="18" fill="#ffffff"/><rect x="93" y="100" width="14" height="18" fill="#ffffff"/>'
        '<rect x="134" y="100" width="14" height="18" fill="#ffffff"/>'
        "</svg>\n"
    )


def png_badge(bg: tuple[int, int, int], fg: tuple[int, int, int]) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((16, 16, 496, 496), fill=bg + (255,))
    draw.ellipse((56, 56, 456, 456), outline=fg + (255,), width=12)
    star = [(256, 140), (286, 216), (368, 220), (304, 272), (326, 352), (256, 306), (186, 352), (208, 272), (144, 220), (226, 216)]
    draw.polygon(star, fill=fg + (255,))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------

class Corpus:
    def __init__(self, n_badges: int, seed: int):
        self.n = n_badges
        self.seed = seed
        self.rng = random.Random(seed)
        self.issuers: list[dict] = []  # {"slug", "meta", "body"}
        self.competencies: list[dict] = []
        self.badges: list[dict] = []  # {"slug", "meta", "body"}
        self.pages: list[dict] = []
        self._make_competencies()
        self._make_issuers()
        self._make_badges()
        self._make_pages()

    # -- competencies ------------------------------------------------------------------------
    def _make_competencies(self) -> None:
        rng = self.rng
        framework = "Référentiel des compétences transversales"
        for g, (group, names) in enumerate(COMPETENCY_GROUPS, start=1):
            for c, name in enumerate(names, start=1):
                verb = lower_first(name)
                meta = {
                    "name": name,
                    "description": f"Savoir {verb} dans les situations d'études, d'engagement et de travail.",
                    "framework": framework,
                    "code": f"CT{g}.{c}",
                    "group": group,
                }
                if rng.random() < 0.5:
                    meta["url"] = f"http://data.europa.eu/esco/skill/{uuid.UUID(int=rng.getrandbits(128), version=4)}"
                paras = rng.sample(COMPETENCY_BODY, 3)
                body = "\n\n".join(p.format(verb=verb) for p in paras)
                self.competencies.append({"slug": slugify(name), "meta": meta, "body": body, "verb": verb})

    # -- issuers -----------------------------------------------------------------------------
    def _make_issuers(self) -> None:
        rng = self.rng
        total = max(5, self.n // 50)
        n_univ = max(1, total // 8)
        n_networks = min(len(NETWORKS), max(1, total // 20))
        cities = CITIES[:]
        rng.shuffle(cities)
        univs = []
        for i in range(n_univ):
            city = cities[i % len(cities)]
            name = f"Université {de(city)}" + (f" {i // len(cities) + 1}" if i >= len(cities) else "")
            slug = slugify(name)
            meta = {
                "name": name,
                "url": f"https://www.{slug}.example.org/",
                "email": f"badges@{slug}.example.org",
                "description": f"L'université publique {de(city)} et de sa région.",
                "image": "logo-universite.svg",
                "image_alt": f"Logo de l'{name[0].lower()}{name[1:]}",
                "linkedin_organization_id": str(rng.randint(10_000, 9_999_999)),
                "request": {
                    "url": f"https://www.{slug}.example.org/badges/demande",
                    "instructions": rng.choice(REQUEST_INSTRUCTIONS),
                },
            }
            body = (
                f"## L'{name[0].lower()}{name[1:]}\n\n"
                f"L'université accueille chaque année plusieurs milliers d'étudiants sur ses campus. "
                f"Ses services reconnaissent par des **badges numériques** les compétences acquises en dehors des cours.\n\n"
                f"- des formations de la licence au doctorat ;\n- une vie de campus riche en associations ;\n"
                f"- des services d'accompagnement pour tous les étudiants.\n"
            )
            univs.append({"slug": slug, "meta": meta, "body": body, "city": city, "phrase": "l'" + name})
        self.issuers.extend(univs)

        for i in range(n_networks):
            name, desc, phrase = NETWORKS[i]
            city = cities[(n_univ + i) % len(cities)]
            phrase = f"{phrase} {de(city)}"
            name = f"{name} — {city}"
            slug = slugify(name)
            meta = {
                "name": name,
                "url": f"https://{slug}.example.org/",
                "email": f"contact@{slug}.example.org",
                "description": desc,
                "image": "logo-association.svg",
                "image_alt": f"Logo : {name}",
                "request": {"email": f"badges@{slug}.example.org", "instructions": rng.choice(REQUEST_INSTRUCTIONS)},
            }
            body = f"{desc}\n\nLe réseau rassemble des associations, des collectivités et des établissements d'enseignement."
            self.issuers.append({"slug": slug, "meta": meta, "body": body, "city": city, "phrase": phrase})

        combos = [(s, u) for u in range(len(univs)) for s in range(len(SERVICES))]
        rng.shuffle(combos)
        needed = total - len(self.issuers)
        extra = 0
        while len(combos) < needed:  # more issuers than services x universities: number them
            extra += 1
            combos.extend((s, u, extra) for u in range(len(univs)) for s in range(len(SERVICES)))
        used = {i["slug"] for i in self.issuers}
        for combo in combos[:needed]:
            s, u = combo[0], combo[1]
            univ = univs[u]
            service, desc = SERVICES[s]
            name = f"{service} — {univ['city']}" + (f" ({combo[2] + 1})" if len(combo) > 2 else "")
            slug = slugify(name)
            while slug in used:
                slug += "-bis"
            used.add(slug)
            meta = {
                "name": name,
                "url": f"https://www.{univ['slug']}.example.org/{slugify(service)}/",
                "email": f"{slugify(service)[:20].strip('-')}@{univ['slug']}.example.org",
                "description": desc,
            }
            if rng.random() < 0.85:
                meta["parent"] = univ["slug"]
            if rng.random() < 0.4:
                meta["image"] = "logo-service.svg"
                meta["image_alt"] = f"Logo du service : {service}"
            if rng.random() < 0.3:
                meta["request"] = {
                    "email": meta["email"],
                    "instructions": rng.choice(REQUEST_INSTRUCTIONS),
                }
            body = (
                f"{desc}\n\n"
                f"Le service propose des badges qui reconnaissent l'engagement des étudiants dans ses activités. "
                f"Pour toute question, écrivez à [{meta['email']}](mailto:{meta['email']}).\n"
            )
            self.issuers.append({"slug": slug, "meta": meta, "body": body, "city": univ["city"],
                                 "phrase": f"{with_article(service)} {de(univ['city'])}"})

    # -- badges ------------------------------------------------------------------------------
    def _make_badges(self) -> None:
        rng = self.rng
        combos = [(a, q) for a in range(len(ACTIVITIES)) for q in range(len(QUALIFIERS))]
        rng.shuffle(combos)
        names: list[str] = []
        round_ = 0
        while len(names) < self.n:
            for a, q in combos:
                if len(names) >= self.n:
                    break
                name = f"{ACTIVITIES[a][0]} {QUALIFIERS[q]}"
                if round_:  # every combination used: the same badge offered on another campus
                    name += f" — {CITIES[(round_ - 1) % len(CITIES)]}"
                    if round_ > len(CITIES):
                        name += f" {(round_ - 1) // len(CITIES) + 1}"
                names.append((name, a, q))
            round_ += 1

        used: set[str] = set()
        slugs: list[str] = []
        for name, _, _ in names:
            slug = slugify(name)
            k = 2
            while slug in used:
                slug = f"{slugify(name)}-{k}"
                k += 1
            used.add(slug)
            slugs.append(slug)

        statuses = ["active"] * self.n
        for i in range(self.n):
            r = rng.random()
            if r < 0.01:
                statuses[i] = "draft"
            elif r < 0.04:
                statuses[i] = "retired"
        active = [s for s, st in zip(slugs, statuses) if st == "active"]
        issuer_slugs = [i["slug"] for i in self.issuers]
        issuer_names = {i["slug"]: i["meta"]["name"] for i in self.issuers}
        issuer_phrases = {i["slug"]: i["phrase"] for i in self.issuers}
        issuer_weights = [1 + (k % 3) for k in range(len(issuer_slugs))]
        start = date(2019, 9, 1)

        for i, ((name, a, q), slug) in enumerate(zip(names, slugs)):
            act_name, noun, action, deliverable = ACTIVITIES[a]
            qualifier = QUALIFIERS[q]
            issuer = rng.choices(issuer_slugs, weights=issuer_weights)[0]
            comps = rng.sample(self.competencies, rng.randint(2, 4))
            image = rng.choice([f for f, *_ in SVG_IMAGES] + [f for f, *_ in PNG_IMAGES])
            shape = next((s for f, s, *_ in SVG_IMAGES if f == image), "png")
            level = rng.choices([1, 2, 3], weights=[5, 3, 2])[0]
            description = rng.choice(DESCRIPTIONS).format(
                action=action, noun=noun, of_noun_bare=de(re.sub(r"^(l'|la |le |les )", "", noun)), qualifier=qualifier)
            meta: dict = {
                "name": name,
                "issuer": issuer,
                "description": description,
                "category": rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0],
                "image": image,
                "image_alt": IMAGE_ALTS[shape].format(colour=COLOUR_NAMES[image]),
                "competencies": [c["slug"] for c in comps],
                "tags": rng.sample(TAGS, rng.randint(1, 3)),
                "level": level,
            }
            if statuses[i] != "active" or rng.random() < 0.1:
                meta["status"] = statuses[i]
            validity = rng.choice(VALIDITIES)
            if validity:
                meta["validity"] = validity
            if rng.random() < 0.2:
                meta["alignments"] = [{
                    "name": comps[0]["meta"]["name"],
                    "url": f"http://data.europa.eu/esco/skill/{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                    "framework": "ESCO",
                }]
                if rng.random() < 0.3:
                    code = rng.randint(30_000, 39_999)
                    meta["alignments"].append({
                        "name": f"Certification professionnelle {code}",
                        "url": f"https://www.francecompetences.fr/recherche/rncp/{code}/",
                        "framework": "RNCP",
                        "code": f"RNCP{code}",
                    })
            if rng.random() < 0.15:
                if rng.random() < 0.5:
                    meta["request"] = {"url": f"https://formulaires.example.org/badges/{slug}",
                                       "instructions": rng.choice(REQUEST_INSTRUCTIONS)}
                else:
                    meta["request"] = {"email": f"jury.badges@{slugify(issuer_names[issuer])[:30].strip('-')}.example.org",
                                       "instructions": rng.choice(REQUEST_INSTRUCTIONS)}
            if rng.random() < 0.6:
                ev = [e.format(deliverable=deliverable) for e in rng.sample(EVIDENCE, rng.randint(1, 3))]
                meta["evidence"] = cap(ev[0]) + "." if len(ev) == 1 else [cap(e) + "." for e in ev]
            if rng.random() < 0.25 and len(active) > 3:
                rel = sorted({s for s in rng.sample(active, 2) if s != slug})
                if rel:
                    meta["related"] = rel
            if rng.random() < 0.05 and len(issuer_slugs) > 1:
                endorser = rng.choice([s for s in issuer_slugs if s != issuer])
                meta["endorsements"] = [{
                    "issuer": endorser,
                    "comment": rng.choice(ENDORSEMENT_COMMENTS),
                    "date": start + timedelta(days=rng.randint(0, 2000)),
                }]
            meta["date"] = start + timedelta(days=rng.randint(0, 2100))
            body = self._criteria(rng, noun, action, deliverable, issuer, issuer_phrases[issuer], comps, level)
            self.badges.append({"slug": slug, "meta": meta, "body": body})

    def _criteria(self, rng, noun, action, deliverable, issuer, phrase, comps, level) -> str:
        target = rng.randint(215, 385)
        place = rng.choice(PLACES)
        ctx = {
            "action": action, "noun": noun, "Noun": cap(noun), "deliverable": deliverable,
            "issuer": phrase, "of_issuer": of(phrase), "public": rng.choice(PUBLICS), "place": place,
            "of_place": of(place), "at_place": at(place), "de_action": de(action),
            "tool": rng.choice(TOOLS), "comp": lower_first(rng.choice(comps)["meta"]["name"]),
            "hours": 10 * level + rng.choice([0, 5, 10]), "weeks": rng.randint(4, 12),
            "sessions": rng.randint(3, 8),
            "link": f"https://badges.{issuer[:40].strip('-')}.example.org/{rng.choice(['charte', 'guide', 'aide'])}",
        }
        intro = [s.format(**ctx) for s in rng.sample(INTRO, 6)]
        # the hours criterion (with emphasis) and a sentence with a link always make it in
        crit = [c.format(**ctx) for c in rng.sample(CRITERIA[1:], 6)]
        crit.insert(rng.randint(0, 2), CRITERIA[0].format(**ctx))
        linked = [e for e in EVALUATION if "](" in e]
        evaluation = [e.format(**ctx) for e in rng.sample([e for e in EVALUATION if e not in linked], 4)]
        evaluation.insert(rng.randint(0, 1), rng.choice(linked).format(**ctx))
        evid = [e.format(**ctx) for e in rng.sample(EVIDENCE, 4)]
        advice = [a.format(**ctx) for a in rng.sample(ADVICE, 4)]
        # the smallest text, then grow until the target word count
        parts = {"intro": 2, "crit": 3, "evid": 2, "eval": 2, "advice": 0}
        limits = {"intro": len(intro), "crit": len(crit), "evid": len(evid), "eval": len(evaluation), "advice": len(advice)}
        heads = (rng.choice(["Ce que ce badge reconnaît", "Présentation", "Pourquoi ce badge ?", "Objectifs"]),
                 rng.choice(["Critères d'obtention", "Ce que vous devez faire", "Conditions d'obtention"]),
                 rng.choice(["Preuves à fournir", "Preuves attendues", "Justificatifs"]),
                 rng.choice(["Évaluation", "Comment la demande est examinée", "Procédure d'évaluation"]),
                 rng.choice(ADVICE_HEAD))
        lead = rng.choice(EVIDENCE_LEAD)
        order = ["intro", "crit", "eval", "evid", "advice", "intro", "crit", "advice", "eval", "intro", "crit", "advice", "intro", "crit"]

        def render() -> str:
            out = [f"## {heads[0]}", " ".join(intro[: parts["intro"]]), f"## {heads[1]}",
                   "Pour obtenir ce badge, vous devez **remplir toutes les conditions** suivantes :", "\n".join(f"- {c} ;" for c in crit[: parts["crit"]])[:-2] + "."]
            out += [f"## {heads[2]}", lead, "\n".join(f"{k}. {cap(e)}." for k, e in enumerate(evid[: parts["evid"]], 1))]
            out += [f"## {heads[3]}", " ".join(evaluation[: parts["eval"]])]
            if parts["advice"]:
                out += [f"### {heads[4]}", " ".join(advice[: parts["advice"]])]
            return "\n\n".join(out) + "\n"

        text = render()
        for key in order:
            if words(text) >= target:
                break
            if parts[key] < limits[key]:
                parts[key] += 1
                candidate = render()
                if words(candidate) > 400:
                    parts[key] -= 1
                    continue
                text = candidate
        return text

    # -- pages -------------------------------------------------------------------------------
    def _make_pages(self) -> None:
        self.pages = [
            {"slug": "a-propos", "meta": {"title": "À propos", "menu": 2},
             "body": "Ce catalogue présente les badges numériques proposés par les services et les partenaires "
                     "de l'université.\n\nChaque badge décrit ses **critères** et la façon de le demander."},
            {"slug": "demander-un-badge", "meta": {"title": "Demander un badge", "menu": 1},
             "body": "## Les étapes\n\n1. Choisissez un badge dans le catalogue.\n2. Rassemblez vos preuves.\n"
                     "3. Envoyez votre demande au service qui le délivre.\n\nLe jury vous répond en trois semaines environ."},
        ]

    # -- writers -----------------------------------------------------------------------------
    def write_vitrine(self, out: Path) -> None:
        fresh_dir(out)
        site = {
            "title": "Catalogue des badges (banc d'essai)",
            "description": "Un catalogue synthétique de badges ouverts, pour mesurer les performances de Vitrine.",
            "base_url": "https://bench.example.org/",
            "language": "fr",
            "languages": ["fr"],
        }
        write(out / "site.yaml", yaml.safe_dump(site, allow_unicode=True, sort_keys=False, width=10_000))
        content = out / "content"
        images = content / "images"
        images.mkdir(parents=True)
        for f, shape, bg, fg in SVG_IMAGES:
            write(images / f, svg_badge(shape, bg, fg))
        for f, bg, fg in PNG_IMAGES:
            (images / f).write_bytes(png_badge(bg, fg))
        for f, colour in LOGO_IMAGES:
            write(images / f, svg_logo(colour))
        for kind, items in (("issuers", self.issuers), ("competencies", self.competencies),
                            ("badges", self.badges), ("pages", self.pages)):
            for item in items:
                write(content / kind / f"{item['slug']}.md", frontmatter(item["meta"], item["body"]))

    def published(self) -> list[dict]:
        return [b for b in self.badges if b["meta"].get("status", "active") != "draft"]

    def write_pelican(self, out: Path) -> None:
        fresh_dir(out)
        conf = '''# Generated by bench/corpus.py: a plain Pelican project, no plugins, no feeds.
AUTHOR = "Banc d'essai"
SITENAME = "Catalogue des badges (banc d'essai)"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
PLUGINS = []
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
FEED_DOMAIN = None
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_URL = "badges/{slug}/"
ARTICLE_SAVE_AS = "badges/{slug}/index.html"
STATIC_PATHS = []
LINKS = ()
SOCIAL = ()
'''
        write(out / "pelicanconf.py", conf)
        for b in self.published():
            m = b["meta"]
            head = [
                f"Title: {m['name']}",
                f"Date: {m['date'].isoformat()}",
                f"Category: {m['category']}",
                f"Tags: {', '.join(m['tags'])}",
                f"Slug: {b['slug']}",
                f"Summary: {m['description']}",
            ]
            write(out / "content" / f"{b['slug']}.md", "\n".join(head) + "\n\n" + b["body"])

    def write_hugo(self, out: Path) -> None:
        fresh_dir(out)
        write(out / "hugo.toml", '''# Generated by bench/corpus.py: a minimal Hugo project, no theme.
baseURL = "https://bench.example.org/"
languageCode = "fr"
defaultContentLanguage = "fr"
title = "Catalogue des badges (banc d'essai)"
relativeURLs = true
disableKinds = ["RSS"]
enableRobotsTXT = false

[taxonomies]
  category = "categories"
  tag = "tags"
''')
        layouts = out / "layouts" / "_default"
        write(layouts / "baseof.html", '''<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ .Site.Title }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
''')
        write(layouts / "single.html", '''{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p>{{ .Description }}</p>
<p>{{ .Date.Format "2006-01-02" }}{{ range .Params.categories }} · <a href="{{ "categories/" | relURL }}{{ . | urlize }}/">{{ . }}</a>{{ end }}</p>
{{ .Content }}
<ul>{{ range .Params.tags }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
</article>
{{ end }}
''')
        write(layouts / "list.html", '''{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}
<ul>
{{ range $pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>
{{ end }}
</ul>
{{ end }}
''')
        write(out / "content" / "badges" / "_index.md", "---\ntitle: Badges\n---\n")
        for b in self.published():
            m = b["meta"]
            fm = {
                "title": m["name"],
                "date": m["date"],
                "slug": b["slug"],
                "description": m["description"],
                "categories": [m["category"]],
                "tags": m["tags"],
            }
            write(out / "content" / "badges" / f"{b['slug']}.md", frontmatter(fm, b["body"]))


# ---------------------------------------------------------------------------------------------
# Self-check (no generator needed): --verify DIR
# ---------------------------------------------------------------------------------------------

KNOWN = {  # docs/format.md
    "site": {"title", "description", "base_url", "language", "languages", "theme", "signing"},
    "issuers": {"name", "url", "email", "description", "image", "image_alt", "parent", "linkedin_organization_id", "request"},
    "badges": {"name", "issuer", "description", "category", "image", "image_alt", "design", "competencies", "alignments",
               "tags", "level", "status", "validity", "request", "evidence", "related", "endorsements", "date"},
    "competencies": {"name", "description", "framework", "code", "url", "group"},
    "pages": {"title", "menu"},
}
REQUIRED = {
    "issuers": {"name", "url", "email"},
    "badges": {"name", "issuer", "description", "category"},
    "competencies": {"name", "description", "framework"},
    "pages": {"title"},
}


def read_doc(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: no frontmatter")
    head, body = text[4:].split("\n---\n", 1)
    data = yaml.safe_load(head)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: frontmatter is not a mapping")
    return data, body


def verify(site: Path) -> list[str]:
    """Check a generated site against docs/format.md as far as it can be checked without Vitrine."""
    errors: list[str] = []
    cfg = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    errors += [f"site.yaml: unknown key {k}" for k in set(cfg) - KNOWN["site"]]
    docs: dict[str, dict[str, dict]] = {}
    for kind in ("issuers", "competencies", "badges", "pages"):
        docs[kind] = {}
        for path in sorted((site / "content" / kind).glob("*.md")):
            slug = path.name[:-3]
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
                errors.append(f"{path}: bad slug")
            try:
                data, body = read_doc(path)
            except (ValueError, yaml.YAMLError) as exc:
                errors.append(str(exc))
                continue
            errors += [f"{path}: unknown field {k}" for k in set(data) - KNOWN[kind]]
            errors += [f"{path}: missing {k}" for k in REQUIRED[kind] - set(data)]
            docs[kind][slug] = data
            if kind == "badges":
                n = words(body)
                if not 200 <= n <= 400:
                    errors.append(f"{path}: {n} words of criteria")
                if "](" not in body or "*" not in body or "\n## " not in "\n" + body or "\n- " not in body:
                    errors.append(f"{path}: criteria lack a heading, a list, emphasis or a link")
    images = site / "content" / "images"

    def image(path: str, where: str) -> None:
        f = images / path
        if not f.is_file():
            errors.append(f"{where}: image {path} not found")
        elif f.suffix == ".png":
            from PIL import Image
            with Image.open(f) as im:
                if im.width != im.height or im.width < 256:
                    errors.append(f"{where}: {path} is {im.width}x{im.height}")

    for slug, d in docs["issuers"].items():
        if d.get("parent") and d["parent"] not in docs["issuers"]:
            errors.append(f"issuer {slug}: unknown parent {d['parent']}")
        if "image" in d:
            image(d["image"], f"issuer {slug}")
        if "linkedin_organization_id" in d and not str(d["linkedin_organization_id"]).isdigit():
            errors.append(f"issuer {slug}: linkedin_organization_id")
    seen_status = set()
    for slug, d in docs["badges"].items():
        where = f"badge {slug}"
        if d["issuer"] not in docs["issuers"]:
            errors.append(f"{where}: unknown issuer {d['issuer']}")
        if d["category"] not in CATEGORIES:
            errors.append(f"{where}: category {d['category']}")
        if len(d["description"]) > 500:
            errors.append(f"{where}: description too long")
        if "image" not in d or "image_alt" not in d:
            errors.append(f"{where}: image or image_alt missing")
        else:
            image(d["image"], where)
        comps = d.get("competencies", [])
        if not 2 <= len(comps) <= 4:
            errors.append(f"{where}: {len(comps)} competencies")
        errors += [f"{where}: unknown competency {c}" for c in comps if c not in docs["competencies"]]
        if not 1 <= len(d.get("tags", [])) <= 3:
            errors.append(f"{where}: tags")
        for r in d.get("related", []):
            if r not in docs["badges"] or docs["badges"][r].get("status") == "draft":
                errors.append(f"{where}: related {r} unknown or draft")
        for e in d.get("endorsements", []):
            if e["issuer"] not in docs["issuers"]:
                errors.append(f"{where}: endorsement by unknown issuer {e['issuer']}")
        for a in d.get("alignments", []):
            if set(a) - {"name", "url", "framework", "code"} or not {"name", "url"} <= set(a):
                errors.append(f"{where}: alignment fields {sorted(a)}")
        if "request" in d and (set(d["request"]) - {"url", "email", "instructions"}):
            errors.append(f"{where}: request fields")
        if not isinstance(d.get("level", 1), int) or not isinstance(d.get("date"), date):
            errors.append(f"{where}: level or date")
        seen_status.add(d.get("status", "active"))
    if len(docs["badges"]) >= 100 and seen_status != {"active", "retired", "draft"}:
        errors.append(f"statuses present: {sorted(seen_status)}")
    return errors


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--badges", type=int, required=True, help="number of badges")
    ap.add_argument("--out", type=Path, required=True, help="the Vitrine site folder to (re)create")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--pelican", type=Path, help="Pelican project folder (default OUT.pelican)")
    ap.add_argument("--hugo", type=Path, help="Hugo project folder (default OUT.hugo)")
    ap.add_argument("--vitrine-only", action="store_true", help="write only the Vitrine site")
    ap.add_argument("--verify", action="store_true", help="then check the written site (frontmatter, references)")
    args = ap.parse_args(argv)
    if args.badges < 1:
        ap.error("--badges must be at least 1")
    out = args.out
    corpus = Corpus(args.badges, args.seed)
    corpus.write_vitrine(out)
    if not args.vitrine_only:
        corpus.write_pelican(args.pelican or out.with_name(out.name + ".pelican"))
        corpus.write_hugo(args.hugo or out.with_name(out.name + ".hugo"))
    print(f"{out}: {len(corpus.badges)} badges ({len(corpus.published())} published), "
          f"{len(corpus.issuers)} issuers, {len(corpus.competencies)} competencies")
    if args.verify:
        errors = verify(out)
        for e in errors[:50]:
            print("  " + e, file=sys.stderr)
        print(f"verify: {len(errors)} problem(s)")
        return 1 if errors else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
