from django.urls import path

from app.public import views

urlpatterns = [
    path("", views.index, name="public-index"),
    path("feed.atom", views.feed, name="public-feed"),
    path("sitemap.xml", views.sitemap, name="public-sitemap"),
    path("robots.txt", views.site_robots, name="public-robots"),
    path("captures/<int:pk>/", views.capture_page, name="public-capture"),
    path("captures/<int:pk>/image", views.capture_image, name="public-capture-image"),
    path("<int:pk>/", views.claim_page, name="public-claim-short"),
    path("<int:pk>-<str:text_slug>/", views.claim_page, name="public-claim"),
]
