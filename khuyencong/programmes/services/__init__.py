"""Business rules of programmes, plans and projects: every change goes through a
``verb_noun`` function taking ``actor=`` (STYLE.md 2), one module per subject
(``programmes``, ``plans``, ``projects``, ``money``). The lifecycles themselves are in
``programmes.workflow``; who may see and change what in ``programmes.access``; caps in
``programmes.caps``; money views in ``programmes.money``.
"""

from khuyencong.programmes.services.common import (
    EDITABLE_STATES,
    MAX_AMOUNT,
    MAX_DOCUMENT_BYTES,
    PAYABLE_STATES,
    PLANNED_STATES,
    PROJECT_FIELDS,
)
from khuyencong.programmes.services.money import record_disbursement
from khuyencong.programmes.services.plans import (
    adjust_plan,
    approve_plan,
    compare_versions,
    get_or_create_plan,
    register_plan,
)
from khuyencong.programmes.services.programmes import (
    create_programme,
    programme_progress,
    programme_projects,
    update_programme,
)
from khuyencong.programmes.services.projects import (
    attach_document,
    create_project,
    delete_project,
    status_counts,
    update_project,
)

__all__ = [
    "EDITABLE_STATES",
    "MAX_AMOUNT",
    "MAX_DOCUMENT_BYTES",
    "PAYABLE_STATES",
    "PLANNED_STATES",
    "PROJECT_FIELDS",
    "adjust_plan",
    "approve_plan",
    "attach_document",
    "compare_versions",
    "create_programme",
    "create_project",
    "delete_project",
    "get_or_create_plan",
    "programme_progress",
    "programme_projects",
    "record_disbursement",
    "register_plan",
    "status_counts",
    "update_programme",
    "update_project",
]
