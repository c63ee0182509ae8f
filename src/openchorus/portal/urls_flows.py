"""URLs of "Suivi des flux" and "Rejets EDI" (RAC-3), included in the `portal` namespace."""

from django.urls import path

from openchorus.portal.views import flows as views

urlpatterns = [
    path("suivi-des-flux/", views.flows, name="flows"),
    path("suivi-des-flux/rejets-edi/", views.rejections, name="flows_rejections"),
    path("suivi-des-flux/<int:flow_id>/", views.flow_detail, name="flow_detail"),
    path("suivi-des-flux/<int:flow_id>/compte-rendu.pdf", views.flow_report_pdf, name="flow_report_pdf"),
    path("suivi-des-flux/<int:flow_id>/compte-rendu.json", views.flow_report_json, name="flow_report_json"),
    path("suivi-des-flux/<int:flow_id>/fichier/", views.flow_file, name="flow_file"),
]
