from django.apps import AppConfig


class PersonalizationConfig(AppConfig):
    name = "apps.personalization"
    label = "personalization"
    verbose_name = "Personalization"
