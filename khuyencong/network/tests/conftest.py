"""Collaborator records for the personas of the root conftest: ``ctv_a1`` is the record of
the ``collaborator_a1`` login (commune a1), ``ctv_a2`` a colleague of the same province
without a login (commune a2), ``ctv_b1`` a collaborator of province B."""

from __future__ import annotations

import pytest

from khuyencong.network.factories import CollaboratorFactory


@pytest.fixture
def ctv_a1(province_a, commune_a1, collaborator_a1):
    return CollaboratorFactory(
        full_name="H'Linh Mlô",
        province=province_a,
        communes=[commune_a1],
        user=collaborator_a1,
    )


@pytest.fixture
def ctv_a2(province_a, commune_a2):
    return CollaboratorFactory(
        full_name="Trần Văn Bình", province=province_a, communes=[commune_a2]
    )


@pytest.fixture
def ctv_b1(province_b, commune_b1):
    return CollaboratorFactory(full_name="Lê Thị Cúc", province=province_b, communes=[commune_b1])
