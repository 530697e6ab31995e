"""Schemathesis as a provincial officer (api/tests/fuzzing.py): every read operation with the
schema's examples and the boundary and invalid values of each parameter — the coverage phase:
year 0 and 10000, page 0, page_size 501, ids that are not numbers, a wrong method — and no
answer may be a 5xx or differ from the schema."""

from khuyencong.api.tests.fuzzing import (
    FUZZ,
    call,
    schema_with,
)

schema = schema_with({"fuzzing": {"enabled": False}}).include(method="GET")


@schema.parametrize()
@FUZZ
def test_reads_as_a_provincial_officer(case, officer_a, records, wsgi_in_the_test_transaction):
    call(case, officer_a)
