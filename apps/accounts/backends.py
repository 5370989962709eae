"""Django's authentication backend for the admin's password login and cookie sessions."""

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """ModelBackend with PronaFlow's sign-in rule (`User.may_sign_in`, the rule the API applies): a
    suspended, deactivated or unverified account fails the admin's password login, and its existing
    admin sessions end on their next request (Django's `get_user` asks the same question)."""

    def user_can_authenticate(self, user) -> bool:
        return user.may_sign_in
