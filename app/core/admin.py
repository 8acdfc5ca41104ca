from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows the database refuses to change: operators may look, not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
