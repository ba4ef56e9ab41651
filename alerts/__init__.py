"""Pantau's alerts: rules match new articles, the outbox delivers messages to chat."""

import logging

from alerts.delivery import DeliveryReport, deliver_due
from alerts.destinations import Destination
from alerts.exceptions import AlertsError, QuerySyntaxError, RuleError
from alerts.matcher import MatchReport, check_rules, match_batch, match_new_articles
from alerts.query import Query, parse
from alerts.rules import Rule, default_rule_pack

__all__ = [
    "AlertsError",
    "DeliveryReport",
    "Destination",
    "MatchReport",
    "Query",
    "QuerySyntaxError",
    "Rule",
    "RuleError",
    "check_rules",
    "default_rule_pack",
    "deliver_due",
    "match_batch",
    "match_new_articles",
    "parse",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
