"""People and permissions: local accounts, log-in with lock-out, and who may do what where.

The web service and ``carepool users`` both come here, so a role means the same everywhere.
A user belongs to one organisation (a CCG, a local authority, an HWB or the national team)
and holds one role; local users act only in their own areas, national users see every area.
Passwords are stored as argon2 hashes. A log-in gives one answer, after one argon2 check, for
an unknown account, a wrong password and a locked account alike, so neither the answer nor its
timing tells a stranger which accounts exist. Nothing here locks an account after failures
(anyone knowing an address could lock its owner out): the web service slows repeated failures
down instead (``web/login_delay.py``); ``locked_until``, set only by earlier versions, is honoured.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from carepool.errors import ConflictError, InputError, NotFound, PermissionDenied
from carepool.plans.model import hwb_code
from carepool.plans.synthetic import synthetic_plan
from carepool.plans.synthetic_2023 import synthetic_plan_2023
from carepool.programme import load_programme
from carepool.reference import load_reference
from carepool.reference.load_geography import geography_2023
from carepool.services.areas import account_area, icb, icb_areas
from carepool.services.clock import now_utc
from carepool.store.db import Store
from carepool.store.web_tables import ORG_KINDS as ORG_KINDS
from carepool.store.web_tables import WebUserRow

MIN_PASSWORD = 12
NATIONAL_ORG = "NATIONAL"
DEMO_YEAR = "bcf-2015-16"
DEMO_AREA = "E08000018"                # Rotherham
DEMO_AREA_2023 = "E06000065"           # North Yorkshire: a council created in 2023, served by three ICBs
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# argon2id as the OWASP Password Storage Cheat Sheet sets it (at least 19 MiB, 2 iterations, 1 lane;
# https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html): about 25 ms of one
# core a log-in. argon2-cffi's default (RFC 9106's low-memory profile: 64 MiB, 3 iterations, 4 lanes)
# took every core of a small server for about 200 ms, and log-ins held up everyone's pages. A hash
# made with other settings still verifies and is renewed at its next successful log-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_dummy_hash: str | None = None          # checked for an unknown account, made on first use
# one refusal for unknown e-mail and wrong password, so log-in never reveals who has an account
BAD_LOGIN = "The email address or password is not right."


class Role(StrEnum):
    PARTNER_LEAD = "partner_lead"          # a partner's finance or commissioning lead
    HWB_CHAIR = "hwb_chair"
    POOL_MANAGER = "pool_manager"
    NATIONAL_ASSURER = "national_assurer"
    ANALYST = "analyst"
    AUDITOR = "auditor"                    # read-only
    ADMINISTRATOR = "administrator"
    CARE_COORDINATOR = "care_coordinator"  # plans and reviews people's joined-up budgets in the area
    INFORMATION_GOVERNANCE = "information_governance"   # the deployment's IG lead: agreements, objections, retention


class Action(StrEnum):
    VIEW = "view"
    UPLOAD = "upload"
    SIGN_OFF_PARTNER = "sign_off_partner"
    SIGN_OFF_HWB = "sign_off_hwb"
    SUBMIT = "submit"
    ASSURE = "assure"
    MANAGE_USERS = "manage_users"
    READ_PERSON_LEVEL = "read_person_level"   # one person's budget, the list of people with budgets
    GOVERN_SHARING = "govern_sharing"         # agreements, the objections register (NHS numbers), retention
    READ_AUDIT = "read_audit"                 # the sharing audit log and its verification
    MANAGE_POOL = "manage_pool"   # the pool's books: payments, risk share, period close, settlement, reconciliation


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.PARTNER_LEAD: frozenset({Action.VIEW, Action.UPLOAD, Action.SIGN_OFF_PARTNER}),
    Role.HWB_CHAIR: frozenset({Action.VIEW, Action.SIGN_OFF_HWB, Action.SUBMIT}),
    Role.POOL_MANAGER: frozenset({Action.VIEW, Action.UPLOAD, Action.SUBMIT, Action.READ_PERSON_LEVEL,
                                  Action.MANAGE_POOL}),
    Role.NATIONAL_ASSURER: frozenset({Action.VIEW, Action.ASSURE}),
    Role.ANALYST: frozenset({Action.VIEW}),
    Role.AUDITOR: frozenset({Action.VIEW, Action.READ_AUDIT}),
    Role.ADMINISTRATOR: frozenset({Action.VIEW, Action.MANAGE_USERS, Action.READ_AUDIT}),
    Role.CARE_COORDINATOR: frozenset({Action.VIEW, Action.READ_PERSON_LEVEL}),
    Role.INFORMATION_GOVERNANCE: frozenset({Action.VIEW, Action.GOVERN_SHARING, Action.READ_AUDIT}),
}
# which kinds of organisation may hold each role
ROLE_ORGS: dict[Role, frozenset[str]] = {
    Role.PARTNER_LEAD: frozenset({"ccg", "icb", "la"}),
    Role.HWB_CHAIR: frozenset({"hwb"}),
    Role.POOL_MANAGER: frozenset({"ccg", "icb", "la"}),
    Role.NATIONAL_ASSURER: frozenset({"national"}),
    Role.ANALYST: frozenset({"ccg", "icb", "la", "hwb", "national"}),
    Role.AUDITOR: frozenset({"ccg", "icb", "la", "hwb", "national"}),
    Role.ADMINISTRATOR: frozenset({"national"}),
    Role.CARE_COORDINATOR: frozenset({"ccg", "icb", "la"}),
    # the sharing register is the deployment's, not split by area (like the audit log): a national role
    Role.INFORMATION_GOVERNANCE: frozenset({"national"}),
}


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    org_code: str
    org_kind: str
    role: Role
    areas: tuple[str, ...]
    session_epoch: int = 0
    disabled: bool = False      # an administrator disabled the account: no log-in
    successors: tuple[str, ...] = ()   # 2023 areas that replaced one of ``areas`` whole (successor_areas)

    @property
    def national(self) -> bool:
        return self.org_kind == "national"

    def can_see(self, area: str) -> bool:
        """The user's own area (given, or the one that replaced it whole from 2023), or any for national users."""
        return self.national or area in self.areas or area in self.successors

    def may(self, action: Action, area: str | None = None) -> bool:
        """True when the role allows ``action`` and (for an area) the area is the user's."""
        return action in ROLE_ACTIONS[self.role] and (area is None or self.can_see(area))


def require(user: User, action: Action, area: str | None = None) -> None:
    if not user.may(action, area):
        where = f" for area {area}" if area else ""
        raise PermissionDenied(f"your role ({user.role.value}) may not {action.value.replace('_', ' ')}{where}")



def successor_areas(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The 2023 areas an account of 2015 areas also covers: an area that replaced one of them whole
    (the 2023 geography's successor codes: Somerset E10000027 -> E06000066, Bournemouth E06000028 ->
    Bournemouth, Christchurch and Poole E06000058), the same Health and Wellbeing Board's people
    under the new code. A county split between two new councils (Cumbria, Northamptonshire) adds
    neither: which one a person now acts for is the administrator's choice, so it is left to them."""
    geography = geography_2023()
    out: list[str] = []
    for code in codes:
        after = geography.successors(code) if code not in geography.areas else ()
        if len(after) == 1 and after[0] in geography.areas and after[0] not in codes and after[0] not in out:
            out.append(after[0])
    return tuple(out)


def _user(row: WebUserRow) -> User:
    areas = tuple(row.areas)
    return User(row.id, row.email, row.name, row.org_code, row.org_kind, Role(row.role), areas,
                row.session_epoch, row.disabled_at is not None, successor_areas(areas))


def _checked(email: str, password: str, org_kind: str, role: str, areas: list[str],
             org_code: str = "") -> tuple[Role, list[str]]:
    """The role and the area codes to keep (either geography vintage: 2023 areas such as North
    Yorkshire E06000065 too); an old code is refused naming its successor."""
    if not _EMAIL.match(email):
        raise InputError(f"'{email}' is not an email address", where="email")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", where="password")
    try:
        known = Role(role)
    except ValueError:
        raise InputError(f"unknown role '{role}'; one of {', '.join(r.value for r in Role)}",
                         where="role") from None
    if org_kind not in ROLE_ORGS[known]:
        raise InputError(f"a {known.value} belongs to one of {', '.join(sorted(ROLE_ORGS[known]))}, "
                         f"not '{org_kind}'", where="org kind")
    codes = sorted({account_area(a) for a in areas if a.strip()})
    if org_kind == "icb" and not codes:
        codes = list(icb_areas(org_code))     # an ICB's people act for every area it serves
    if org_kind != "national" and not codes:
        raise InputError("a local user needs at least one area", where="area")
    return known, codes


def _org_code(org_code: str, org_kind: str) -> str:
    """An ICB is kept by its ODS code (the code plans name it by); other codes as given."""
    if org_kind != "icb":
        return org_code
    try:
        return icb(org_code).ods_code
    except NotFound as exc:
        raise InputError(str(exc), where="org code") from None


def add_user(store: Store, *, email: str, password: str, name: str, org_code: str, org_kind: str,
             role: str, areas: list[str]) -> User:
    """Create an account; a duplicate email is a ConflictError from the store."""
    email = email.strip().lower()
    org_code = _org_code(org_code.strip(), org_kind)
    known, codes = _checked(email, password, org_kind, role, areas, org_code)
    row = WebUserRow(email=email, name=name or email, password_hash=_hasher.hash(password),
                     org_code=org_code, org_kind=org_kind, role=known.value, areas=codes,
                     failed_logins=0, session_epoch=0, locked_until=None, created_at=now_utc())
    try:
        with store.transaction() as session:
            session.add(row)
            session.flush()
            return _user(row)
    except ConflictError:
        raise ConflictError(f"an account for {email} already exists") from None


def set_password(store: Store, email: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", where="password")
    with store.transaction() as session:
        row = session.scalars(select(WebUserRow).where(WebUserRow.email == email.strip().lower())).first()
        if row is None:
            raise NotFound(f"no user {email}")
        row.password_hash, row.failed_logins, row.locked_until = _hasher.hash(password), 0, None
        row.session_epoch += 1


def _password_matches(stored: str | None, password: str) -> bool:
    """One argon2 verification whatever ``stored`` is (None: an unknown account's dummy)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    try:
        return bool(_hasher.verify(stored or _dummy_hash, password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def authenticate(store: Store, email: str, password: str, *, at: datetime | None = None) -> User:
    """The user for a correct email and password; PermissionDenied (one message) otherwise."""
    at = at or now_utc()
    with store.transaction() as session:
        row = session.scalars(select(WebUserRow).where(WebUserRow.email == email.strip().lower())).first()
        matches = _password_matches(row.password_hash if row is not None else None, password)
        locked = row is not None and row.locked_until is not None and row.locked_until > at
        if row is not None and matches and row.disabled_at is not None:
            raise PermissionDenied(DISABLED)
        if row is not None and matches and not locked:
            if row.failed_logins or row.locked_until is not None:
                row.failed_logins, row.locked_until = 0, None
            if row.password_hash and _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)      # older settings: renewed now
            return _user(row)
    raise PermissionDenied(BAD_LOGIN)


def user_for_identity(store: Store, email: str) -> User:
    """The account of someone an identity provider has vouched for (no password involved)."""
    with store.transaction() as session:
        row = session.scalars(select(WebUserRow).where(WebUserRow.email == email.strip().lower())).first()
        if row is None:
            raise PermissionDenied(f"{email} has no carepool account; ask an administrator to add one")
        if row.disabled_at is not None:
            raise PermissionDenied(DISABLED)
        if row.locked_until is not None and row.locked_until > now_utc():
            raise PermissionDenied("This account is locked after too many failed log-ins; try again later.")
        return _user(row)


DISABLED = "This account is disabled; ask an administrator."


def _account(session: Session, user_id: int) -> WebUserRow:
    row = session.get(WebUserRow, user_id)
    if row is None:
        raise NotFound(f"no user with id {user_id}")
    return row


def change_role(store: Store, by: User, user_id: int, *, role: str, areas: list[str]) -> User:
    """An administrator gives an account another role (and areas); the organisation stays, so the
    role must suit its kind. Takes effect on the person's next page."""
    require(by, Action.MANAGE_USERS)
    with store.transaction() as session:
        row = _account(session, user_id)
        known, codes = _checked(row.email, "x" * MIN_PASSWORD, row.org_kind, role, areas)
        if row.id == by.id and known is not Role.ADMINISTRATOR:
            raise InputError("you cannot take away your own administrator role", where="role")
        row.role, row.areas = known.value, codes
        session.flush()
        return _user(row)


def set_disabled(store: Store, by: User, user_id: int, disabled: bool) -> User:
    """An administrator disables an account (no log-in; every session ends at once) or enables it again."""
    require(by, Action.MANAGE_USERS)
    with store.transaction() as session:
        row = _account(session, user_id)
        if disabled and row.id == by.id:
            raise InputError("you cannot disable your own account", where="account")
        if disabled and row.disabled_at is None:
            row.disabled_at = now_utc()
            row.session_epoch += 1
        elif not disabled:
            row.disabled_at = None
        session.flush()
        return _user(row)


def end_sessions(store: Store, user_id: int) -> None:
    """Log the user out everywhere: every session made before now stops working."""
    with store.transaction() as session:
        row = session.get(WebUserRow, user_id)
        if row is not None:
            row.session_epoch += 1


def get_user(store: Store, user_id: int) -> User:
    with store.transaction() as session:
        return _user(_account(session, user_id))


def list_users(store: Store) -> list[User]:
    with store.transaction() as session:
        return [_user(r) for r in session.scalars(select(WebUserRow).order_by(WebUserRow.email))]


def demo_area(year: str = DEMO_YEAR) -> str:
    """The area whose people the demo log-ins are: Rotherham, or North Yorkshire (three ICBs) in a
    year on the 2023 geography."""
    return DEMO_AREA_2023 if load_programme(year).vintage == "2023" else DEMO_AREA


def _demo_partners(store: Store, year: str) -> list[tuple[str, str]]:
    """(code, kind) of the demo area's signing partners: from its stored plan, else a synthetic plan."""
    from carepool.services.plans import get_plan
    area, programme = demo_area(year), load_programme(year)
    try:
        plan = get_plan(store, area, programme.id).plan
    except NotFound:
        plan = (synthetic_plan_2023(area, programme) if programme.vintage == "2023"
                else synthetic_plan(area, programme, load_reference()))
    return [(p.code, p.kind) for p in plan.partners if p.code in plan.signing_partners]


def create_demo_users(store: Store, year: str = DEMO_YEAR) -> list[tuple[str, str, str, str]]:
    """Demo log-ins (email, password, role, organisation) for the demo area and the national team.

    Rotherham's people for 2015-16; North Yorkshire's (the council and each of its three ICBs,
    whose leads act for every area their ICB serves) for a year on the 2023 geography.
    Passwords are random on every call; an existing demo account gets the new password.
    """
    area = demo_area(year)
    specs: list[tuple[str, str, str, str, list[str]]] = []
    for code, kind in _demo_partners(store, year):
        specs.append((f"{kind}-{code.lower()}@demo.carepool.test", code, kind, Role.PARTNER_LEAD.value,
                      [] if kind == "icb" else [area]))
    specs += [
        ("hwb-chair@demo.carepool.test", hwb_code(area), "hwb", Role.HWB_CHAIR.value, [area]),
        ("pool-manager@demo.carepool.test", area, "la", Role.POOL_MANAGER.value, [area]),
        ("care-coordinator@demo.carepool.test", area, "la", Role.CARE_COORDINATOR.value, [area]),
        ("local-auditor@demo.carepool.test", hwb_code(area), "hwb", Role.AUDITOR.value, [area]),
    ]
    specs += [(f"{role.value.replace('_', '-')}@demo.carepool.test", NATIONAL_ORG, "national", role.value, [])
              for role in (Role.NATIONAL_ASSURER, Role.ANALYST, Role.AUDITOR, Role.ADMINISTRATOR,
                           Role.INFORMATION_GOVERNANCE)]
    existing = {u.email for u in list_users(store)}
    out: list[tuple[str, str, str, str]] = []
    for email, org, kind, role, areas in specs:
        password = secrets.token_urlsafe(12)
        if email in existing:
            set_password(store, email, password)
        else:
            add_user(store, email=email, password=password, name=email.split("@")[0], org_code=org,
                     org_kind=kind, role=role, areas=areas)
        out.append((email, password, role, org))
    return out
