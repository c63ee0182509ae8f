"""Realistic-looking public structures for benchmarks: names, places, valid SIRETs, services.

Only the shapes are realistic (a commune, its CCAS and school fund, lycées named after people,
hospitals, syndicates; SIREN prefixes by legal category); the structures themselves are invented.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from stdnum import luhn

ROOTS = [
    "BEAU", "BELLE", "CHATEL", "CLERMONT", "FONTEN", "GRAND", "LONG", "MARCH", "MONT", "NEUF",
    "PONT", "ROCH", "VAL", "VILLE", "VILLER", "BOIS", "CHAMP", "COUR", "BRI", "CHANTE", "ROUGE",
    "BLANC", "AUBE", "MAR", "SAV", "LAN", "PLOU", "KER", "AR", "BAR", "CAST", "LUS", "MIR", "OR",
    "SAINT-MARTIN-", "SAINT-GERMAIN-", "SAINT-JEAN-", "SAINTE-MARIE-", "SAINT-PIERRE-", "NOTRE-DAME-",
    "LA ROCHE-", "LE MESNIL-", "LES ", "SAINT-ETIENNE-", "SAINT-LAURENT-",
]  # fmt: skip
ENDINGS = [
    "ET", "AC", "AY", "ILLE", "VILLE", "COURT", "MONT", "FONTAINE", "CHAMP", "BOURG", "ON", "AN",
    "IGNY", "ANS", "EUIL", "ERES", "OUX", "AS", "IERES", "ANGES", "ELLE", "IN", "OLES", "ENAY",
]  # fmt: skip
RIVERS = [
    "LOIRE", "SEINE", "MARNE", "SAONE", "RHONE", "GARONNE", "DORDOGNE", "AUBE", "YONNE", "OISE",
    "AISNE", "MEUSE", "MOSELLE", "LOT", "TARN", "ALLIER", "CHER", "INDRE", "VIENNE", "CHARENTE",
    "SOMME", "ORNE", "EURE", "SARTHE", "MAYENNE", "ISERE", "DROME", "ARIEGE", "ADOUR", "VILAINE",
]  # fmt: skip
PEOPLE = [
    "JEAN MOULIN", "VICTOR HUGO", "JULES FERRY", "MARIE CURIE", "JEAN JAURES", "LOUIS PASTEUR",
    "ALBERT CAMUS", "JACQUES PREVERT", "COLETTE", "GEORGE SAND", "PAUL ELUARD", "ANATOLE FRANCE",
    "CHARLES DE GAULLE", "SIMONE VEIL", "RENE CASSIN", "JEAN ROSTAND", "JULES VERNE",
    "LOUISE MICHEL", "ARISTIDE BRIAND", "JEAN MONNET", "MARCEL PAGNOL", "ANTOINE DE SAINT-EXUPERY",
    "LEONARD DE VINCI", "PIERRE ET MARIE CURIE", "GUSTAVE EIFFEL", "CAMILLE CLAUDEL", "JEAN ZAY",
]  # fmt: skip
# (weight, SIREN prefix, name pattern, label pattern). {city}, {person}, {river} are filled in.
KINDS = [
    (40, "21", "COMMUNE DE {city}", "MAIRIE DE {city}"),
    (8, "26", "CCAS DE {city}", "CENTRE COMMUNAL D'ACTION SOCIALE"),
    (5, "21", "CAISSE DES ECOLES DE {city}", ""),
    (7, "19", "COLLEGE {person}", "COLLEGE {person} {city}"),
    (5, "19", "LYCEE {person}", "LYCEE GENERAL ET TECHNOLOGIQUE {person}"),
    (3, "19", "LYCEE PROFESSIONNEL {person}", ""),
    (3, "26", "CENTRE HOSPITALIER DE {city}", "CH {city}"),
    (3, "26", "EHPAD {person}", "EHPAD PUBLIC DE {city}"),
    (4, "20", "COMMUNAUTE DE COMMUNES DU PAYS DE {city}", "CC PAYS DE {city}"),
    (2, "20", "COMMUNAUTE D'AGGLOMERATION DE {city}", ""),
    (5, "25", "SYNDICAT INTERCOMMUNAL DES EAUX DE LA VALLEE DE LA {river}", "SIE {river}"),
    (3, "25", "SIVOM DE LA REGION DE {city}", ""),
    (2, "25", "SYNDICAT D'ELECTRIFICATION DE {city}", ""),
    (2, "27", "OFFICE PUBLIC DE L'HABITAT DE {city}", "OPH {city}"),
    (2, "18", "ETABLISSEMENT PUBLIC FONCIER DE LA {river}", ""),
    (2, "28", "SERVICE DEPARTEMENTAL D'INCENDIE ET DE SECOURS DE LA {river}", "SDIS"),
    (1, "19", "UNIVERSITE DE {city}", ""),
    (1, "18", "ECOLE NATIONALE SUPERIEURE D'ARCHITECTURE DE {city}", "ENSA {city}"),
]  # fmt: skip
KIND_WEIGHTS = [k[0] for k in KINDS]
DEPARTMENTS = [f"{d:02d}" for d in range(1, 96) if d != 20] + ["20", "971", "972", "973", "974", "976"]

SERVICES = [
    ("FACTURES_PUBLIQUES", "Service des factures publiques"),
    ("SF", "Service financier"), ("DRH", "Direction des ressources humaines"),
    ("DSI", "Direction des systèmes d'information"), ("ST", "Services techniques"),
    ("BC", "Bons de commande"), ("CT", "Contrats d'entretien"), ("FL", "Contrats concessionnaires"),
    ("SIT", "Situations/Honoraires"), ("ECOLES", "Écoles et périscolaire"),
    ("VOIRIE", "Voirie et réseaux"), ("CULTURE", "Affaires culturelles"), ("SPORTS", "Sports"),
    ("URBA", "Urbanisme"), ("ENV", "Environnement et propreté"), ("JEUNESSE", "Jeunesse"),
    ("COM", "Communication"), ("ACHATS", "Commande publique"), ("BAT", "Bâtiments"),
    ("RESTO", "Restauration collective"), ("SOCIAL", "Action sociale"), ("POLICE", "Police municipale"),
    ("ETAT_CIVIL", "État civil"), ("ESPACES_VERTS", "Espaces verts"), ("PHARMA", "Pharmacie"),
    ("BIOMED", "Ingénierie biomédicale"), ("LOGISTIQUE", "Logistique"), ("INTENDANCE", "Intendance"),
]  # fmt: skip


def siret(siren_prefix: str, number: int, nic: int) -> str:
    """A SIRET valid for INSEE's check: SIREN = prefix + number + Luhn key, NIC + Luhn key."""
    body = f"{siren_prefix}{number:06d}"
    siren = body + luhn.calc_check_digit(body)
    head = f"{siren}{nic:04d}"
    return head + luhn.calc_check_digit(head)


def city(rng: random.Random) -> str:
    name = rng.choice(ROOTS) + rng.choice(ENDINGS)
    roll = rng.random()
    if roll < 0.2:
        name += "-SUR-" + rng.choice(RIVERS)
    elif roll < 0.25:
        name += "-LES-BAINS"
    return name


def structures(rng: random.Random, count: int, existing: set[str]) -> Iterator[dict[str, Any]]:
    """`count` structures' field values (fewer if the seed's SIRETs collide with `existing`)."""
    numbers: dict[str, int] = {}
    for _ in range(count):
        _weight, prefix, name_pattern, label_pattern = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        numbers[prefix] = numbers.get(prefix, rng.randrange(0, 400_000)) + rng.randrange(1, 4)
        identifier = siret(prefix, numbers[prefix] % 1_000_000, rng.randrange(1, 100))
        place = {"city": city(rng), "person": rng.choice(PEOPLE), "river": rng.choice(RIVERS)}
        department = rng.choice(DEPARTMENTS)
        roll = rng.random()
        values = {
            "identifier": identifier,
            "legal_name": name_pattern.format(**place)[:200],
            "label": label_pattern.format(**place)[:200],
            "address_line1": f"{rng.randrange(1, 120)} {rng.choice(['RUE', 'AVENUE', 'PLACE', 'BOULEVARD'])} "
            f"{rng.choice(PEOPLE)}",
            "postcode": (department + f"{rng.randrange(0, 1000):03d}")[:5],
            "city": place["city"],
            "status": "INACTIF" if rng.random() < 0.03 else "ACTIF",
            "service_code_required": roll < 0.2,
            "engagement_required": 0.1 < roll < 0.25,
            "service_or_engagement_required": 0.3 < roll < 0.38,
            "payment_status_hidden": rng.random() < 0.05,
            "edi_reception": rng.random() < 0.02,
        }
        # Every draw is made before skipping, so that a seed always gives the same sequence.
        if identifier not in existing:
            existing.add(identifier)
            yield values


def service_counts(rng: random.Random, structures: int, services: int) -> list[int]:
    """How many services each structure gets: `services` in all, unevenly spread."""
    if structures == 0:
        return []
    base, remainder = divmod(services, structures)
    counts = [base] * structures
    for index in rng.sample(range(structures), remainder):
        counts[index] += 1
    # Move some services around so that a few structures have many and some none.
    for _ in range(structures // 3):
        giver, taker = rng.randrange(structures), rng.randrange(structures)
        moved = rng.randrange(0, counts[giver] + 1)
        counts[giver] -= moved
        counts[taker] += moved
    return counts


def services(rng: random.Random, count: int) -> Iterator[dict[str, Any]]:
    """`count` services with codes unique within their structure, FACTURES_PUBLIQUES first."""
    used: set[str] = set()
    for index in range(count):
        code, label = SERVICES[0] if index == 0 else rng.choice(SERVICES[1:])
        if code in used:
            code = f"{code}{index}"
        used.add(code)
        yield {
            "code": code,
            "label": label,
            "status": "INACTIF" if rng.random() < 0.05 else "ACTIF",
            "engagement_required": index > 0 and rng.random() < 0.15,
        }
