from django.db import models


class HandlerType(models.TextChoices):
    EMAIL = "email", "E-mail"
    IN_APP = "in_app", "In-app notification"
    WEBHOOK = "webhook", "Webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ALL_EVENTS = "*"
