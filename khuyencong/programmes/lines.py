"""Writing a project's budget lines and expected outputs: the services' edits of a draft
and the workflow's adjustment step both write them through here."""

from __future__ import annotations

from khuyencong.programmes.models import BudgetLine, Project, ProjectOutput


def write_budget(project: Project, budget: dict[str, tuple[int, str | None]]) -> None:
    """Replace the project's budget lines: ``{source: (amount, integrated programme)}``;
    ``None`` for the programme keeps the one recorded. Zero amounts drop the line."""
    existing = {line.source: line for line in project.budget_lines.all()}
    for source, (amount, programme_name) in budget.items():
        line = existing.pop(source, None)
        if not amount:
            if line is not None:
                line.delete()
            continue
        if line is None:
            line = BudgetLine(project=project, source=source)
        line.amount = amount
        if programme_name is not None:
            line.other_programme = programme_name
        line.save()
    for line in existing.values():
        line.delete()


def write_outputs(project: Project, outputs: dict[str, int]) -> None:
    project.outputs.exclude(indicator__in=list(outputs)).delete()
    for code, planned in outputs.items():
        ProjectOutput.objects.update_or_create(
            project=project, indicator_id=code, defaults={"planned": planned}
        )
