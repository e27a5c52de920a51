"""Migration 0020_objection_kinds: objections already recorded become local objections, the history
stays append-only (the column is added in place, so 0006's triggers survive), an unknown kind is
refused, and downgrading is refused while a national data opt-out is recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text

from carepool.errors import ConflictError
from carepool.sharing.objections import ObjectionKind
from carepool.store import sharing_tables as repo
from carepool.store.db import migrations_dir, normalise_url, open_store

REVISION = "0020_objection_kinds"
BEFORE = "0019_disabled_accounts"
NUMBER = "9434765919"


def _migrate(engine: Engine, target: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, target)


@pytest.fixture
def old_register(store_url: str) -> Iterator[Engine]:
    """A database before 0020 holding one recorded objection."""
    engine = create_engine(normalise_url(store_url))
    _migrate(engine, BEFORE)
    with engine.begin() as c:
        c.execute(text('INSERT INTO sharing_objection_events (nhs_number, event, organisation, "on", at, actor, note) '
                       "VALUES (:n, 'recorded', 'RR8', '2016-05-01', '2016-05-01 09:00:00+00:00', 'ann', '')"),
                  {"n": NUMBER})
    yield engine
    engine.dispose()


def test_existing_objections_become_local_and_the_history_stays_append_only(old_register: Engine,
                                                                            store_url: str) -> None:
    _migrate(old_register, REVISION)
    store = open_store(store_url)
    try:
        with store.transaction() as session:
            (objection,) = repo.list_objections(session)
        assert objection.nhs_number == NUMBER and objection.kind is ObjectionKind.LOCAL
        for statement in ("UPDATE sharing_objection_events SET kind = 'national_opt_out'",
                          "DELETE FROM sharing_objection_events"):
            with pytest.raises(Exception, match="append-only"), store.transaction() as session:
                session.execute(text(statement))
        insert = text('INSERT INTO sharing_objection_events (nhs_number, event, organisation, "on", at, actor, '
                      "note, kind) VALUES (:n, 'recorded', 'RR8', '2016-05-01', '2016-05-01 09:00:00+00:00', "
                      "'ann', '', :k)")
        with pytest.raises(ConflictError), store.transaction() as session:
            session.execute(insert, {"n": NUMBER, "k": "type_1"})      # the CHECK on kind refuses it
        with store.transaction() as session:
            session.execute(insert, {"n": NUMBER, "k": "national_opt_out"})
            assert {o.kind for o in repo.list_objections(session)} == set(ObjectionKind)
    finally:
        store.dispose()


def test_downgrading_is_refused_while_a_national_opt_out_is_recorded(old_register: Engine) -> None:
    _migrate(old_register, REVISION)
    with old_register.begin() as c:
        c.execute(text('INSERT INTO sharing_objection_events (nhs_number, event, organisation, "on", at, actor, '
                       "note, kind) VALUES (:n, 'recorded', 'RR8', '2016-06-01', '2016-06-01 09:00:00+00:00', 'ann', "
                       "'', 'national_opt_out')"), {"n": NUMBER})
    with pytest.raises(RuntimeError, match="1 national data opt-out events are recorded"):
        _migrate(old_register, BEFORE, down=True)
    with old_register.connect() as c:
        assert c.scalar(text("SELECT COUNT(*) FROM sharing_objection_events")) == 2
