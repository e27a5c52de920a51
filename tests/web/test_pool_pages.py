"""The pool manager's pages, on SQLite and PostgreSQL: payments with findings beside their rows
(nothing written when refused), statements with downloads exact to the penny and formula-safe,
and reconciliation with the host's ledger (nothing stored either way)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from carepool.money import parse_money
from carepool.services import ledger
from carepool.store.db import Store
from tests.web.conftest import BY_KEY, OTHER, OWN, log_in
from tests.web.pool_setup import FORMULA, app_client, funded, host_files, payments_csv
from tests.web.tables import values_only


def _findings(html: str) -> list[tuple[str, str, str, str]]:
    """(row, field, value in the file, message) of each finding shown on the page."""
    html = values_only(html)
    cells = re.findall(r'class="nhsuk-table__cell finding-row">([^<]*)</td>\s*<td class="nhsuk-table__cell '
                       r'finding-field">([^<]*)</td>\s*<td class="nhsuk-table__cell finding-value">([^<]*)</td>'
                       r'\s*<td class="nhsuk-table__cell finding-message">([^<]*)</td>', html)
    return [tuple(c.strip() for c in cell) for cell in cells]   # type: ignore[misc]


def test_a_payments_file_with_bad_rows_is_refused_beside_its_rows_then_the_fixed_file_posts(
        web_store: Store, tmp_path: Path) -> None:
    plan = funded(web_store)
    before = len(ledger.area_transactions(web_store, OWN))
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        page = client.get(f"/areas/{OWN}/ledger/payments")
        assert page.status_code == 200 and 'name="payments"' in page.text

        bad = payments_csv(tmp_path / "spend.csv", plan, bad=True)
        refused = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                              files={"payments": ("spend.csv", bad.read_bytes(), "text/csv")})
        assert refused.status_code == 422
        assert "spend.csv was not posted: nothing was written to the books" in refused.text
        shown = _findings(refused.text)
        assert [(row, field, value) for row, field, value, _ in shown] == [
            ("3", "provider", ""), ("4", "amount", "twelve pounds")]
        assert "provider is empty" in shown[0][3] and "twelve pounds" in shown[1][3]
        assert len(ledger.area_transactions(web_store, OWN)) == before          # the store is unchanged

        good = payments_csv(tmp_path / "spend.csv", plan, bad=False)
        posted = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                             files={"payments": ("spend.csv", good.read_bytes(), "text/csv")},
                             follow_redirects=False)
        assert posted.status_code == 303
        done = client.get(posted.headers["location"])
        assert "Posted 3 payment(s), £1,662.85 in all" in done.text
        assert len(ledger.area_transactions(web_store, OWN)) == before + 3
        again = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                            files={"payments": ("spend.csv", good.read_bytes(), "text/csv")})
        assert "Posted 0 payment(s)" in again.text and "3 were already in the books" in again.text
        assert len(ledger.area_transactions(web_store, OWN)) == before + 3


def test_a_payment_for_another_area_or_a_file_that_is_not_one_posts_nothing(web_store: Store) -> None:
    plan = funded(web_store)
    before = len(ledger.area_transactions(web_store, OWN))
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        body = (f"date,area,scheme,provider,amount,reference\n2015-05-14,{OTHER},{plan.schemes[0].ref},"
                "Trust,10.00,X-1\n").encode()
        other = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                            files={"payments": ("other.csv", body, "text/csv")})
        assert other.status_code == 422
        assert _findings(other.text) == [("2", "area", OTHER, f"this row is for area {OTHER}, not {OWN}: a file "
                                          f"imported for {OWN} holds only its payments")]
        wrong = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                            files={"payments": ("spend.xlsx", b"not a workbook", "application/octet-stream")})
        assert wrong.status_code == 422 and "cannot read the workbook" in wrong.text
        none = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token})
        assert none.status_code == 422 and "Choose a payments file" in none.text
        exe = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                          files={"payments": ("run.exe", b"MZ", "application/octet-stream")})
        assert exe.status_code == 422 and "run.exe is not a payments file" in exe.text
        forged = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": "forged"},
                             files={"payments": ("other.csv", body, "text/csv")})
        assert forged.status_code == 403
    assert len(ledger.area_transactions(web_store, OWN)) == before


def test_a_payments_file_larger_than_a_form_is_read_under_the_upload_limit(web_store: Store) -> None:
    """Over the 1 MiB form limit and under the upload limit: read and checked (422), not refused unread (413)."""
    plan = funded(web_store)
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        body = (f"date,area,scheme,provider,amount,reference\n2015-05-14,{OWN},{plan.schemes[0].ref},"
                f"Trust,ten,X-1\n" + "\n" * 1_200_000).encode()     # blank lines are skipped
        read = client.post(f"/areas/{OWN}/ledger/payments", data={"csrf_token": token},
                           files={"payments": ("big.csv", body, "text/csv")})
        assert read.status_code == 422 and _findings(read.text)[0][:3] == ("2", "amount", "ten")


def test_statements_to_the_penny_with_downloads_that_keep_a_formula_like_scheme_name_as_text(
        web_store: Store, tmp_path: Path) -> None:
    plan = funded(web_store, scheme_name=FORMULA)
    first = plan.schemes[0]
    with app_client(web_store) as client:
        log_in(client, BY_KEY["pool_manager"].email)
        page = client.get(f"/areas/{OWN}/ledger/statements")
        assert page.status_code == 200
        for title in ("Pool statement", "Scheme statement", "Quarterly return, income and expenditure",
                      f"Partner statement: {OWN}", "Partner statement: 03L"):
            assert title in page.text
        assert "=HYPERLINK(&#34;http://attacker.test&#34;" in page.text      # shown escaped, as text
        assert str(first.amount) in page.text                                # £ to the penny
        assert f'href="/areas/{OWN}/ledger/statements/scheme.xlsx"' in page.text

        rows = list(csv.reader(io.StringIO(client.get(f"/areas/{OWN}/ledger/statements/scheme.csv").text)))
        assert rows[0] == ["pool", "scheme", "name", "budget", "spent", "remaining", "payments"]
        line = next(r for r in rows if r[1] == first.ref)
        assert line == [first.pool, first.ref, "'" + FORMULA, first.amount.plain(), "0.00", first.amount.plain(),
                        "0"]

        xlsx = client.get(f"/areas/{OWN}/ledger/statements/scheme.xlsx")
        assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["content-type"]
        out = tmp_path / "scheme.xlsx"
        out.write_bytes(xlsx.content)
        sheet = load_workbook(out).worksheets[0]
        named = [c for row in sheet.iter_rows() for c in row if c.value == "'" + FORMULA]
        assert len(named) == 1 and named[0].data_type == "s"
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)

        partner = list(csv.reader(io.StringIO(client.get(f"/areas/{OWN}/ledger/statements/partner-03L.csv").text)))
        contributed = sum(parse_money(r[3]).pence for r in partner[1:] if r[2].startswith("contributed"))
        assert contributed == sum(f.amount.pence for f in plan.funding if f.contributor == "03L")
        assert client.get(f"/areas/{OWN}/ledger/statements/partner-NOPE.csv").status_code == 404

        api = {s["kind"]: s for s in client.get(f"/api/areas/{OWN}/ledger/statements").json()}
        assert set(api) == {"pool", "scheme", "income-expenditure", f"partner-{OWN}", "partner-03L"}
        scheme = api["scheme"]
        assert scheme["pence_columns"] == ["budget", "spent", "remaining"]
        assert [first.pool, first.ref, FORMULA, first.amount.pence, 0, first.amount.pence, 0] in scheme["rows"]
        books = client.get(f"/api/areas/{OWN}/ledger").json()
        # one-year programmes have one agreement, with no plan year (issue 13: two-year ones have one per year)
        assert books["agreements"] == [{"pool": "P1", "plan_year": "", "kind": None, "shares": [],
                                        "carry_forward_pct": 0}]
        assert books["version"].startswith(f"{books['transactions']}:") and books["closed_periods"] == []
        assert client.get(f"/areas/{OWN}/ledger/statements/pool.pdf").status_code == 404


def test_statements_say_when_the_books_are_empty_and_everyone_of_the_area_may_read_them(web_store: Store) -> None:
    with app_client(web_store) as client:
        log_in(client, BY_KEY["hwb_chair"].email)
        page = client.get(f"/areas/{OWN}/ledger/statements")
        assert page.status_code == 200 and "no ledger entries yet" in page.text
        assert client.get(f"/areas/{OWN}/ledger/statements/pool.csv").status_code == 404
        assert client.get(f"/areas/{OTHER}/ledger/statements").status_code == 403
        assert client.get(f"/areas/{OWN}/ledger").status_code == 403      # the books' overview is not theirs


def test_reconciliation_shows_matched_and_unmatched_lines_and_stores_nothing(web_store: Store,
                                                                           tmp_path: Path) -> None:
    plan = funded(web_store)
    before = len(ledger.area_transactions(web_store, OWN))
    with app_client(web_store) as client:
        token = log_in(client, BY_KEY["pool_manager"].email)
        assert client.get(f"/areas/{OWN}/ledger/reconcile").status_code == 200

        extract, mapping = host_files(web_store, plan, tmp_path)
        files = {"extract": ("host.csv", extract.read_bytes(), "text/csv"),
                 "mapping": ("map.csv", mapping.read_bytes(), "text/csv")}
        agreed = client.post(f"/areas/{OWN}/ledger/reconcile", data={"csrf_token": token}, files=files)
        assert agreed.status_code == 200
        assert "The host's ledger and the pool's books agree" in agreed.text
        assert agreed.text.count('class="nhsuk-table__row match"') >= 12 and 'id="unmatched"' not in agreed.text

        extract, mapping = host_files(web_store, plan, tmp_path, off_by=10_00)
        files["extract"] = ("host.csv", extract.read_bytes(), "text/csv")
        differs = client.post(f"/areas/{OWN}/ledger/reconcile", data={"csrf_token": token}, files=files)
        assert differs.status_code == 200 and "1 month/scheme total(s) differ" in differs.text
        assert differs.text.count('class="nhsuk-table__row difference"') == 1 and "£10.00" in differs.text

        files["extract"] = ("bad.csv", b"cost_centre,account,period,amount\nBCF-P1,5001,P13,oops\n", "text/csv")
        refused = client.post(f"/areas/{OWN}/ledger/reconcile", data={"csrf_token": token}, files=files)
        assert refused.status_code == 422 and "Nothing was reconciled" in refused.text
        shown = values_only(refused.text)
        assert {"period", "amount"} <= {field for _, field, *_ in re.findall(
            r'finding-row">([^<]*)</td>\s*<td class="nhsuk-table__cell finding-field">([^<]*)<', shown)}
    assert len(ledger.area_transactions(web_store, OWN)) == before
