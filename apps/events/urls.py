from django.urls import path

from apps.events import views

app_name = "events"

urlpatterns = [
    path("events", views.DomainEventListView.as_view(), name="event-list"),
    path("event-types", views.EventTypeListView.as_view(), name="event-type-list"),
    path("event-consumers", views.EventConsumerListView.as_view(), name="consumer-list"),
    path("event-consumers/<uuid:consumer_id>", views.EventConsumerDetailView.as_view(), name="consumer-detail"),
]
