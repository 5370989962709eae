from django.urls import path

from apps.personalization import views

app_name = "personalization"

urlpatterns = [
    path("preferences", views.PreferenceView.as_view(), name="preferences"),
    path("preferences/themes", views.ThemeListView.as_view(), name="themes"),
    path("preferences/languages", views.LanguageListView.as_view(), name="languages"),
    path("preferences/accessibility/wcag-level", views.WcagLevelView.as_view(), name="wcag-level"),
]
