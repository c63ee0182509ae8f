"""Tasks of EDI flows: one starts (or takes over) a flow, one per chunk runs its invoices."""

from __future__ import annotations

from django_tasks import task

from openchorus.flows import services


@task()
def flow_process(*, flow_id: int) -> None:
    services.flow_process(flow_id)


@task()
def flow_chunk_process(*, flow_id: int, chunk: int) -> None:
    services.flow_chunk_process(flow_id, chunk)


@task()
def flows_folders_scan() -> int:
    """Take the files dropped in the technical accounts' in/ folders (each minute)."""
    from openchorus.flows.folders import folder_scan

    return len(folder_scan())


@task()
def flows_stale_resume() -> int:
    """Take over the flows whose worker stopped (every five minutes)."""
    return len(services.flows_resume())


@task()
def flows_returns_write() -> int:
    """Write the status changes of the structures' invoices to their out/ folders (every five minutes)."""
    from openchorus.flows.returns import returns_write

    return returns_write()


@task()
def flow_notify(*, flow_id: int) -> None:
    """Tell the people concerned once a flow is concluded (one feed event each, not one per invoice)."""
    services.flow_notify(flow_id)


@task()
def flow_report_prepare(*, flow_id: int) -> None:
    """Render a concluded flow's compte-rendu PDF once, before anyone asks (consulterCR)."""
    from openchorus.flows.models import Flow
    from openchorus.flows.reports import flow_report_pdf_kept

    flow = Flow.objects.filter(pk=flow_id).first()
    if flow is not None and flow.is_final:
        flow_report_pdf_kept(flow)
