app_name = "reform"

urlpatterns: list = []
