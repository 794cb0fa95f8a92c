"""The fixed cast: our own side, the deal plan deck, companies and the people in them."""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from walkaway.simulate._banks import Banks, load_banks
from walkaway.simulate._clock import ZONES
from walkaway.simulate._model import Client, Person

# One block of plans. Every consecutive block of len(_DECK) prospects holds each archetype and
# each deliberate confounder at least once, so even a small run has all of them; the order
# inside a block is shuffled per seed. Columns: outcome, archetype, confounder forced on it.
_DECK: tuple[tuple[str, str, str | None], ...] = (
    ("won", "champion_driven", "hard_negotiation"),
    ("won", "exec_sponsored", "deferral_kept"),
    ("won", "technical_win", "one_reschedule"),
    ("won", "champion_driven", None),
    ("won", "exec_sponsored", None),
    ("won", "technical_win", None),
    ("won", "champion_driven", None),
    ("won", "exec_sponsored", None),
    ("lost", "slow_fade", None),
    ("lost", "serial_deferral", None),
    ("lost", "price_shopper", None),
    ("lost", "meeting_misser", None),
    ("lost", "no_authority", None),
    ("lost", "vague_dodger", None),
    ("lost", "value_unclear", None),
    ("lost", "champion_left", None),
    ("lost", "auto_reply_only", None),
    ("lost", "sudden_loss", "sudden_loss"),
    ("lost", "slow_fade", None),
    ("open", "open_healthy", None),
    ("open", "open_healthy", None),
    ("open", "open_cooling", None),
    ("open", "open_cooling", None),
    ("open", "open_early", None),
)
DECK_SIZE = len(_DECK)
FREE_MAIL_PER_BLOCK = 2


@dataclass(frozen=True, slots=True)
class Plan:
    """What a prospect's deal is meant to become."""

    outcome: str
    archetype: str
    forced_confounder: str | None
    free_mail: bool


def plan_for(seed: int, index: int) -> Plan:
    block, position = divmod(index, DECK_SIZE)
    rng = random.Random(f"walkaway.simulate:{seed}:deck:{block}")
    order = list(range(DECK_SIZE))
    rng.shuffle(order)
    free = rng.sample(range(DECK_SIZE), FREE_MAIL_PER_BLOCK)
    outcome, archetype, forced = _DECK[order[position]]
    return Plan(outcome, archetype, forced, position in free)


@dataclass(frozen=True, slots=True)
class Context:
    """Everything shared by all prospects of one run (picklable, for worker processes)."""

    seed: int
    start: date
    our_domain: str
    product: str
    owner: Person
    se: Person
    manager: Person
    csm: Person
    colleague: Person
    messages: tuple[int, int]
    span_days: int
    perm_a: int
    perm_b: int


def company_space(banks: Banks) -> int:
    world = banks.world
    return len(world["company_prefixes"]) * len(world["company_cores"]) * len(world["industries"])


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "đ": "d"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=4096)
def ascii_slug(text: str) -> str:
    """``Ødegaard`` -> ``odegaard``: how people's names end up in mail addresses."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore")
    return _NOT_ALNUM.sub("", folded.decode("ascii").lower())


def local_part(pattern: str, first: str, last: str) -> str:
    f, la = ascii_slug(first), ascii_slug(last)
    return pattern.format(first=f, last=la, f=f[:1], l=la[:1])


def phone(template: str, rng: random.Random) -> str:
    # 555-01xx numbers are reserved for fiction in North America; the others follow suit.
    return template.format(
        a=rng.choice(("212", "415", "312", "617", "646", "206", "512")),
        b=f"01{rng.randint(0, 99):02d}",
    )


def our_side(seed: int, our_domain: str) -> tuple[str, Person, Person, Person, Person, Person]:
    """The product name and our five people: owner of the mailbox, SE, manager, CSM, another AE."""
    banks = load_banks()
    world = banks.world
    rng = random.Random(f"walkaway.simulate:{seed}:our-side")
    label = our_domain.split(".")[0]
    product = label[:1].upper() + label[1:]
    firsts = rng.sample(world["first_names"], 5)
    lasts = rng.sample(world["last_names"], 5)
    zones = ("us_east", "us_central", "us_east", "uk", "us_pacific")
    roles = ("owner", "se", "manager", "csm", "ae")
    people = []
    for first, last, zone, role in zip(firsts, lasts, zones, roles, strict=True):
        name = f"{first} {last}"
        title = rng.choice(world["our_titles"][role])
        email = (
            f"{ascii_slug(first)}@{our_domain}"
            if role == "owner"
            else (f"{ascii_slug(first)}.{ascii_slug(last)}@{our_domain}")
        )
        signature = f"{name}\n{title} | {product}\n{phone('+1 ({a}) 555-{b}', rng)} | {our_domain}"
        people.append(
            Person(
                name=name,
                email=email,
                first=first,
                title=title,
                role=role,
                zone=ZONES[zone],
                client="gmail",
                signature=signature,
                sig_dash=rng.random() < 0.5,
                mobile=0.06,
                sloppy=0.03,
            )
        )
    return (product, *people)  # type: ignore[return-value]


def make_context(
    seed: int, start: date, our_domain: str, messages: tuple[int, int], prospects: int
) -> Context:
    banks = load_banks()
    product, owner, se, manager, csm, colleague = our_side(seed, our_domain)
    space = company_space(banks)
    rng = random.Random(f"walkaway.simulate:{seed}:companies")
    perm_a = rng.randrange(1, space)
    while math.gcd(perm_a, space) != 1:
        perm_a = rng.randrange(1, space)
    # A longer period for bigger runs keeps the number of live deals per week plausible.
    span_days = int(min(540, 120 + prospects * 0.06))
    return Context(
        seed=seed,
        start=start,
        our_domain=our_domain,
        product=product,
        owner=owner,
        se=se,
        manager=manager,
        csm=csm,
        colleague=colleague,
        messages=messages,
        span_days=span_days,
        perm_a=perm_a,
        perm_b=rng.randrange(space),
    )


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    legal_name: str
    slug: str
    domain: str
    region: str
    lang: str
    zone_key: str
    mail_system: Client
    free_mail: bool


def company_names(ctx: Context, index: int) -> tuple[str, str]:
    """Display name and slug of prospect ``index``: a permutation, so never two alike."""
    world = load_banks().world
    prefixes, cores, industries = (
        world["company_prefixes"],
        world["company_cores"],
        world["industries"],
    )
    k = (ctx.perm_a * index + ctx.perm_b) % company_space(load_banks())
    industry = industries[k % len(industries)]
    core = cores[(k // len(industries)) % len(cores)]
    prefix = prefixes[k // (len(industries) * len(cores))]
    return f"{prefix}{core} {industry}", f"{prefix}{core}{industry}".lower()


def make_company(ctx: Context, index: int, free_mail: bool, rng: random.Random) -> Company:
    world = load_banks().world
    regions = world["regions"]
    keys = list(regions)
    region = rng.choices(keys, weights=[regions[k]["weight"] for k in keys])[0]
    spec = regions[region]
    name, slug = company_names(ctx, index)
    legal = rng.choice(spec["legal"])
    if free_mail:
        domain = rng.choice(world["free_mail_domains"])
        system: Client = {
            "gmail.com": "gmail",
            "outlook.com": "outlook",
            "hotmail.com": "outlook",
            "icloud.com": "apple",
        }.get(domain, "other")  # type: ignore[assignment]
    else:
        hyphenated = slug
        industry = name.rsplit(" ", 1)[1].lower()
        if rng.random() < 0.35:
            hyphenated = f"{slug[: -len(industry)]}-{industry}"
        domain = f"{hyphenated}.{rng.choice(spec['tlds'])}"
        system = rng.choices(("outlook", "gmail", "other"), weights=(50, 32, 18))[0]  # type: ignore[assignment]
    return Company(
        name=name,
        legal_name=f"{name} {legal}".strip(),
        slug=slug,
        domain=domain,
        region=region,
        lang=spec["lang"],
        zone_key=rng.choice(spec["zones"]),
        mail_system=system,
        free_mail=free_mail,
    )


def outlook_tenant(region: str, rng: random.Random) -> str:
    if region in ("us", "ca", "mx", "br"):
        server, area = (
            rng.choice(("BY5", "DM6", "SN6", "CH2", "MW4", "PH0", "SA1", "CY4")),
            "namprd",
        )
    elif region in ("in", "sg", "au"):
        server, area = rng.choice(("SG2", "TY2", "ME3", "PN3", "SY4")), "apcprd"
    else:
        server, area = rng.choice(("AM6", "DB8", "VI1", "PA4", "FR0", "AS8", "GV1")), "eurprd"
    number = rng.randint(1, 19)
    return f"{server}PR{number:02d}MB{rng.randint(1000, 9999)}.{area}{number:02d}"


def make_contact(
    company: Company,
    role: str,
    rng: random.Random,
    used: set[str],
    tenant: str,
) -> Person:
    """A person at the prospect: name, address, title (sometimes in the local language), habits."""
    banks = load_banks()
    world = banks.world
    while True:
        first = rng.choice(world["first_names"])
        last = rng.choice(world["last_names"])
        if first not in used:
            break
    used.add(first)
    name = f"{first} {last}"
    titles = world["titles"][role]
    lang = company.lang
    title_lang = lang if lang in titles and rng.random() < 0.55 else "en"
    title = rng.choice(titles[title_lang])
    if company.free_mail:
        pattern = rng.choice(world["free_mail_patterns"])
        email = pattern.format(slug=company.slug, first=ascii_slug(first), yy=rng.randint(70, 99))
        email = f"{email}@{company.domain}"
        title = rng.choice(
            ("Owner", "Founder", "Managing Partner", "Director", "Propietario", "Inhaber")
        )
    else:
        email = f"{local_part(rng.choice(world['email_patterns']), first, last)}@{company.domain}"
    client: Client = company.mail_system
    if not company.free_mail and rng.random() < 0.08:
        client = "apple"
    spec = world["regions"][company.region]
    style = rng.randrange(5)
    org = company.legal_name if not company.free_mail else company.name
    if style == 0:
        signature = f"{name}\n{title} | {org}\n{phone(spec['phone'], rng)}\nwww.{company.domain}"
    elif style == 1:
        signature = f"{name}\n{title}\n{org}\nm: {phone(spec['phone'], rng)}"
    elif style == 2:
        signature = f"{name} | {title} | {org}"
    elif style == 3:
        signature = f"{name}\n{title}, {org}"
    else:
        signature = f"{name}\n{title}\n{org}"
    if client == "outlook" and rng.random() < 0.2:
        signature += "\n\n" + rng.choice(banks.mail["disclaimers"])
    display = f"{last}, {first}" if client == "outlook" and rng.random() < 0.2 else ""
    return Person(
        name=name,
        email=email.lower(),
        first=first,
        title=title,
        role=role,
        zone=ZONES[company.zone_key],
        client=client,
        lang=lang,
        signature=signature,
        sig_dash=client in ("gmail", "other") and rng.random() < 0.3,
        mobile=rng.choice((0.0, 0.05, 0.1, 0.25)),
        sloppy=rng.choice((0.0, 0.05, 0.1, 0.2, 0.3)),
        html_only=client == "outlook" and rng.random() < 0.15,
        outlook_tenant=tenant,
        display=display,
    )
