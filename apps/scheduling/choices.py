from django.db import models


class PlanState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    LOCKED = "locked", "Locked"


class PlanTransition(models.TextChoices):
    SUBMIT = "submit", "Submit"
    APPROVE = "approve", "Approve"
    LOCK = "lock", "Lock"
    UNLOCK = "unlock", "Unlock"
