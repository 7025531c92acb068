from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from .filters import ProjectFilter
from .selectors import visible_projects
from .tables import ProjectTable


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("projects:list")


class ProjectListView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    paginate_by = 25
    export_name = "projets-cpts"

    def get_queryset(self):
        return visible_projects(self.request.user)


class ProjectDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        # Outside the person's territory the project does not exist for them: 404, no data.
        return visible_projects(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["events"] = self.object.events.select_related("actor", "organisation")
        return ctx
