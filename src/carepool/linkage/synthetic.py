"""Synthetic social care and health person files, with the true links beside them.

Linkage can only be measured against a truth nobody has for real records, so the
generator makes one: a population of people, a health register of (nearly) all of them,
and a social care file of some of them with the errors real files carry (missing and
mistyped NHS numbers, typos, nicknames, people who moved). Valid NHS numbers come from the
``nhs-number`` package's generator, in its synthetic (never issued) range.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from nhs_number.generate import generate as generate_nhs_numbers

NICKNAMES = {
    "robert": "bob", "william": "bill", "elizabeth": "liz", "margaret": "peggy",
    "james": "jim", "john": "jack", "richard": "dick", "thomas": "tom", "edward": "ted",
    "catherine": "kate", "katherine": "kathy", "susan": "sue", "patricia": "pat",
    "jennifer": "jenny", "michael": "mike", "christopher": "chris", "anthony": "tony",
    "joseph": "joe", "daniel": "dan", "matthew": "matt", "david": "dave", "peter": "pete",
    "deborah": "debbie", "rebecca": "becky", "samuel": "sam", "alexander": "alex",
    "victoria": "vicky", "frederick": "fred", "dorothy": "dot", "henry": "harry",
}
FIRST_NAMES_F = [
    "mary", "elizabeth", "margaret", "patricia", "susan", "catherine", "katherine", "jennifer",
    "deborah", "rebecca", "victoria", "dorothy", "joan", "irene", "doris", "olivia", "amelia",
    "isla", "ava", "emily", "sophie", "grace", "chloe", "lily", "ella", "jessica", "ruby",
    "evie", "freya", "hannah", "lucy", "ellie", "zara", "aisha", "fatima", "priya", "anita",
    "helen", "sarah", "claire", "emma", "laura", "nicola", "karen", "julie", "angela", "janet",
    "brenda", "sheila", "pauline", "maureen", "valerie", "gwen", "edith", "hilda", "winifred",
]
FIRST_NAMES_M = [
    "robert", "william", "james", "john", "richard", "thomas", "edward", "michael",
    "christopher", "anthony", "joseph", "daniel", "matthew", "david", "peter", "samuel",
    "alexander", "frederick", "henry", "george", "arthur", "harry", "oliver", "jack", "noah",
    "leo", "oscar", "charlie", "jacob", "alfie", "mohammed", "ali", "arjun", "raj", "kevin",
    "stephen", "paul", "mark", "andrew", "gary", "ian", "keith", "colin", "derek", "trevor",
    "stanley", "albert", "ernest", "harold", "leonard", "walter", "roy", "dennis", "brian",
]
SURNAMES = [
    "smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "thomas",
    "johnson", "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards",
    "hughes", "green", "hall", "lewis", "harris", "clarke", "patel", "jackson", "wood",
    "turner", "martin", "cooper", "hill", "ward", "morris", "moore", "clark", "lee", "king",
    "baker", "harrison", "morgan", "allen", "james", "scott", "phillips", "watson", "davis",
    "parker", "price", "bennett", "young", "griffiths", "mitchell", "kelly", "cook", "carter",
    "richardson", "bailey", "collins", "bell", "shaw", "murphy", "miller", "cox", "richards",
    "khan", "marshall", "anderson", "simpson", "ellis", "adams", "singh", "begum", "wilkinson",
    "foster", "chapman", "powell", "webb", "rogers", "gray", "mason", "ali", "hunt", "hussain",
    "campbell", "matthews", "owen", "palmer", "holmes", "mills", "barnes", "knight", "lloyd",
    "butler", "russell", "barker", "fisher", "stevens", "jenkins", "murray", "dixon", "harvey",
    "graham", "pearson", "ahmed", "fletcher", "walsh", "kaur", "gibson", "howard", "andrews",
    "stewart", "elliott", "reynolds", "saunders", "payne", "fox", "ford", "pearce", "day",
    "brooks", "west", "lawrence", "cole", "atkinson", "bradley", "spencer", "gill", "dawson",
    "ball", "burton", "obrien", "watts", "rose", "booth", "perry", "ryan", "grant", "wells",
    "armstrong", "francis", "rees", "hayes", "hart", "hudson", "newman", "barrett", "gregory",
    "lowe", "hunter", "carr", "page", "marsh", "riley", "dunn", "woods", "parsons", "berry",
    "stone", "reid", "holland", "hawkins", "harding", "porter", "robertson", "newton", "oliver",
    "reed", "kennedy", "williamson", "bird", "gardner", "shah", "dean", "lane", "cooke", "bates",
    "henderson", "parry", "burgess", "bishop", "walton", "burns", "nicholson", "shepherd",
]
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
DEFAULT_AREAS: dict[str, tuple[str, ...]] = {
    "E08000035": ("LS1", "LS6", "LS8", "LS11", "LS17"),        # Leeds
    "E08000025": ("B5", "B13", "B23", "B29", "B44"),            # Birmingham
    "E06000023": ("BS3", "BS5", "BS7", "BS9", "BS16"),          # Bristol
}


@dataclass(frozen=True)
class SyntheticFiles:
    """A social care file, a health file, and the true (social_id, health_id) links."""

    social_care: pd.DataFrame
    health: pd.DataFrame
    truth: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class ErrorRates:
    """How often each real-world error happens in the social care file."""

    nhs_missing: float = 0.25
    nhs_mistyped: float = 0.05
    name_typo: float = 0.10
    nickname: float = 0.08
    moved: float = 0.12
    dob_error: float = 0.03
    not_in_health: float = 0.02
    health_typo: float = 0.02


def valid_nhs_numbers(quantity: int, seed: int) -> list[str]:
    """Distinct valid synthetic-range numbers from ``nhs_number.generate``, reproducibly.

    The package draws from the module-level ``random``; its state is saved and restored so
    callers' randomness is untouched.
    """
    state = random.getstate()
    try:
        random.seed(seed)
        found: dict[str, None] = {}
        while len(found) < quantity:
            for number in generate_nhs_numbers(quantity=quantity - len(found)):
                found[number] = None
        return list(found)
    finally:
        random.setstate(state)


def _postcode(rng: random.Random, districts: tuple[str, ...]) -> str:
    return f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1:]                                  # dropped letter
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]          # swapped letters
    return word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1:]


def _mistype_nhs(rng: random.Random, number: str) -> str:
    digits = list(number)
    i = rng.randrange(10)
    digits[i] = str((int(digits[i]) + rng.randint(1, 9)) % 10)
    return "".join(digits)


def _format_nhs(rng: random.Random, number: str) -> str:
    """Real files hold the same number as ``9434765919``, ``943 476 5919`` or ``943-476-5919``."""
    style = rng.random()
    if style < 0.15:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style < 0.2:
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return number


def _people(n: int, seed: int, areas: dict[str, tuple[str, ...]], household: float = 0.2,
            twins: float = 0.01) -> list[dict[str, str]]:
    """A population in which some people share a household (surname, postcode), a few a birthday too.

    Households and twins are what make probabilistic linkage hard: people who agree on
    everything but a first name.
    """
    rng = random.Random(seed)
    numbers = valid_nhs_numbers(n, seed)
    codes = sorted(areas)
    people: list[dict[str, str]] = []
    for i in range(n):
        sex = rng.choice("FM")
        person = {
            "nhs_number": numbers[i],
            "first_name": rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M),
            "surname": rng.choice(SURNAMES),
            "dob": (date(1925, 1, 1) + timedelta(days=rng.randrange(0, 80 * 365))).isoformat(),
            "sex": sex,
            "area": codes[i % len(codes)],
        }
        person["postcode"] = _postcode(rng, areas[person["area"]])
        roll = rng.random()
        if people and roll < household:
            home = people[-1]
            person.update(surname=home["surname"], postcode=home["postcode"], area=home["area"])
            if roll < twins:
                person["dob"] = home["dob"]
        people.append(person)
    return people


def _health_record(rng: random.Random, i: int, p: dict[str, str], rates: ErrorRates) -> dict[str, str]:
    surname = _typo(rng, p["surname"]) if rng.random() < rates.health_typo else p["surname"]
    return {"health_id": f"H{i:08d}", "nhs_number": p["nhs_number"], "forename": p["first_name"].title(),
            "surname": surname.upper(), "date_of_birth": p["dob"], "gender": p["sex"],
            "postcode": p["postcode"], "area_code": p["area"]}


def _social_record(rng: random.Random, i: int, p: dict[str, str], rates: ErrorRates,
                   areas: dict[str, tuple[str, ...]]) -> dict[str, str]:
    number = p["nhs_number"]
    roll = rng.random()
    if roll < rates.nhs_missing:
        number = ""
    elif roll < rates.nhs_missing + rates.nhs_mistyped:
        number = _mistype_nhs(rng, number)
    first = p["first_name"]
    if first in NICKNAMES and rng.random() < rates.nickname * 3:
        first = NICKNAMES[first]
    elif rng.random() < rates.name_typo:
        first = _typo(rng, first)
    surname = _typo(rng, p["surname"]) if rng.random() < rates.name_typo else p["surname"]
    dob = p["dob"]
    if rng.random() < rates.dob_error:
        y, m, d = dob.split("-")
        dob = f"{y}-{d}-{m}" if int(d) <= 12 and d != m else f"{int(y) + rng.choice((-1, 1))}-{m}-{d}"
    postcode = _postcode(rng, areas[p["area"]]) if rng.random() < rates.moved else p["postcode"]
    return {"person_ref": f"S{i:08d}", "nhs_no": _format_nhs(rng, number) if number else "",
            "first_name": first.title(), "last_name": surname.title(), "birth_date": dob,
            "sex": p["sex"], "post_code": postcode, "la_code": p["area"]}


def synthetic_files(social_care_size: int, health_size: int, *, seed: int = 1,
                    areas: dict[str, tuple[str, ...]] | None = None,
                    rates: ErrorRates | None = None) -> SyntheticFiles:
    """A social care file of ``social_care_size`` people drawn from a ``health_size`` population.

    Column names differ between the two files on purpose (as they do between a council
    and an NHS system), so callers exercise the field mapping.
    """
    if social_care_size > health_size:
        raise ValueError("the social care file cannot be larger than the population")
    areas = areas or DEFAULT_AREAS
    rates = rates or ErrorRates()
    rng = random.Random(seed + 1)
    people = _people(health_size, seed, areas)
    health_rows: list[dict[str, str]] = []
    health_ids: list[str] = []
    for i, person in enumerate(people):
        health_rows.append(_health_record(rng, i, person, rates))
        health_ids.append(health_rows[-1]["health_id"])
    chosen = rng.sample(range(health_size), social_care_size)
    social_rows: list[dict[str, str]] = []
    truth: set[tuple[str, str]] = set()
    gone: set[int] = set()  # died or moved away: in the council's file, not the health register
    for j, index in enumerate(chosen):
        social_rows.append(_social_record(rng, j, people[index], rates, areas))
        if rng.random() < rates.not_in_health:
            gone.add(index)
        else:
            truth.add((social_rows[-1]["person_ref"], health_ids[index]))
    kept = [row for i, row in enumerate(health_rows) if i not in gone]
    health = pd.DataFrame(kept).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return SyntheticFiles(pd.DataFrame(social_rows), health, frozenset(truth))


SOCIAL_TO_HEALTH_MAP = {
    "nhs_no": "nhs_number", "first_name": "forename", "last_name": "surname",
    "birth_date": "date_of_birth", "sex": "gender", "post_code": "postcode",
}
