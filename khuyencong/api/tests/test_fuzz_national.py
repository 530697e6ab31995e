"""Schemathesis as a national officer (api/tests/fuzzing.py): every operation — reads and
writes — with the schema's examples and random valid and invalid inputs; no answer may be a
5xx or differ from the schema."""

from khuyencong.api.tests.fuzzing import (
    FUZZ,
    call,
    schema_with,
)

schema = schema_with({"coverage": {"enabled": False}})


@schema.parametrize()
@FUZZ
def test_every_operation_as_a_national_officer(
    case, national, records, wsgi_in_the_test_transaction
):
    call(case, national)
