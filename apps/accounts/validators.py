"""Password rules of the spec: upper case, lower case, digit and special character (length is
Django's MinimumLengthValidator, set to 12 in settings)."""

import re

from django.core.exceptions import ValidationError

RULES = [
    (r"[A-Z]", "password_no_upper", "The password must contain an upper-case letter."),
    (r"[a-z]", "password_no_lower", "The password must contain a lower-case letter."),
    (r"\d", "password_no_digit", "The password must contain a digit."),
    (r"[^A-Za-z0-9]", "password_no_special", "The password must contain a special character."),
]


class PasswordComplexityValidator:
    def validate(self, password, user=None):
        errors = [
            ValidationError(message, code=code) for pattern, code, message in RULES if not re.search(pattern, password)
        ]
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return "Your password must contain upper- and lower-case letters, a digit and a special character."
