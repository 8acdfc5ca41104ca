from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "app.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from app.accounts import security

        user_logged_in.connect(security.on_signed_in, dispatch_uid="sanad-security-signed-in")
        user_login_failed.connect(
            security.on_sign_in_failed, dispatch_uid="sanad-security-sign-in-failed"
        )
        user_locked_out.connect(security.on_locked_out, dispatch_uid="sanad-security-locked-out")
