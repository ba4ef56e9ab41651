"""Scrapy extensions of Pantau's crawls."""
