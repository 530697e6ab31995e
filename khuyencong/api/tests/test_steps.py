"""The API base for workflows (api/steps.py): every viewset whose records have steps takes
them through the one ``transitions`` action of ``TransitionsMixin``; none writes its own."""

from __future__ import annotations

import inspect

from khuyencong.api.steps import TransitionsMixin
from khuyencong.api.urls import router


def test_every_transitions_action_is_the_shared_one():
    shared, own = set(), set()
    for _prefix, viewset, _basename in router.registry:
        method = getattr(viewset, "transitions", None)
        if method is None:
            continue
        # extend_schema_view wraps the inherited action per viewset (functools.wraps).
        if inspect.unwrap(method) is TransitionsMixin.transitions:
            shared.add(viewset.__name__)
        else:
            own.add(viewset.__name__)

    assert shared == {"ProjectViewSet", "ReportViewSet", "AwardRoundViewSet"}
    # The national review of a province's report is POST only (no GET of its steps) and
    # answers the submission's detail: its own action, still through api.steps.take_step.
    assert own == {"ReportSubmissionViewSet"}
