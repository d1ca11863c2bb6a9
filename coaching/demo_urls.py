"""URLs of the demo's own feeds (only mounted when SPRINGPLANK_DEMO is on)."""

from django.urls import path

from coaching import demo_feeds

urlpatterns = [
    path("demo/feeds/<slug:name>.xml", demo_feeds.demo_feed, name="demo_feed"),
    path("demo/news/rss", demo_feeds.demo_news_search, name="demo_news_search"),
]
