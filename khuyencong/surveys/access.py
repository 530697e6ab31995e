"""Who sees and changes which campaigns, responses, needs and applications (DESIGN.md,
Scoping): every page, API endpoint, import and the dashboard fetch them through here
(core/access.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from khuyencong.core.access import Rule
from khuyencong.core.roles import Role
from khuyencong.core.scoping import is_admin
from khuyencong.surveys.models import Application, Need, SurveyCampaign, SurveyResponse


class CampaignRule(Rule[SurveyCampaign]):
    """Campaigns are a province's: collaborators (scoped by commune elsewhere) see those of
    their province."""

    def visible(
        self,
        user: Any,
        *,
        write: bool = False,
        queryset: QuerySet[SurveyCampaign] | None = None,
    ) -> QuerySet[SurveyCampaign]:
        campaigns = self.base() if queryset is None else queryset
        if user.is_authenticated and not is_admin(user) and user.role == Role.COLLABORATOR:
            if not user.province_id:
                return campaigns.none()
            return campaigns.filter(province_id=user.province_id)
        return super().visible(user, write=write, queryset=campaigns)


CAMPAIGNS = CampaignRule(SurveyCampaign, deletable=False)
RESPONSES: Rule[SurveyResponse] = Rule(SurveyResponse, deletable=False)
NEEDS: Rule[Need] = Rule(Need, deletable=False)
APPLICATIONS: Rule[Application] = Rule(Application, deletable=False)


def campaigns_for(user: Any, *, write: bool = False) -> QuerySet[SurveyCampaign]:
    """Campaigns the user may see (or change): their province's."""
    return CAMPAIGNS.visible(user, write=write)


def responses_for(user: Any, *, write: bool = False) -> QuerySet[SurveyResponse]:
    return RESPONSES.visible(user, write=write)


def needs_for(user: Any, *, write: bool = False) -> QuerySet[Need]:
    return NEEDS.visible(user, write=write)


def applications_for(user: Any, *, write: bool = False) -> QuerySet[Application]:
    return APPLICATIONS.visible(user, write=write)


def may_manage_campaigns(user: Any) -> bool:
    return is_admin(user) or (
        user.is_authenticated
        and user.role in (Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_OFFICER)
        and user.province_id is not None
    )


def may_plan(user: Any) -> bool:
    """Who turns needs into draft projects: the provincial manager (and administrators)."""
    return is_admin(user) or (
        user.is_authenticated
        and user.role == Role.PROVINCIAL_MANAGER
        and user.province_id is not None
    )


def get_campaign(user: Any, pk: Any, *, write: bool = False) -> SurveyCampaign:
    """One campaign the user may see (or change), else 404."""
    return CAMPAIGNS.get(
        user, write=write, queryset=SurveyCampaign.objects.select_related("province"), pk=pk
    )


def get_response(user: Any, pk: Any) -> SurveyResponse:
    """One response the user may see, with what its page shows, else 404."""
    return RESPONSES.get(
        user,
        queryset=SurveyResponse.objects.select_related(
            "campaign", "establishment", "commune", "collected_by"
        ),
        pk=pk,
    )


def get_application(user: Any, pk: Any) -> Application:
    """One application the user may see, with what its page shows, else 404."""
    return APPLICATIONS.get(
        user,
        queryset=Application.objects.select_related(
            "commune", "province", "sector", "category", "establishment", "triaged_by"
        ),
        pk=pk,
    )
