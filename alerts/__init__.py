"""Pantau's alerts: rules match new articles, the outbox delivers messages to chat."""

import logging

from alerts.delivery import DeliveryReport, Pacer, deliver_due, send_sample
from alerts.destinations import Destination
from alerts.digests import deliver_digests
from alerts.exceptions import AlertsError, QuerySyntaxError, RuleError
from alerts.matcher import MatchReport, check_rules, match_batch, match_new_articles
from alerts.query import Query, parse
from alerts.rules import Rule, default_rule_pack
from alerts.schedule import Schedule

__all__ = [
    "AlertsError",
    "DeliveryReport",
    "Destination",
    "MatchReport",
    "Pacer",
    "Query",
    "QuerySyntaxError",
    "Rule",
    "RuleError",
    "Schedule",
    "check_rules",
    "default_rule_pack",
    "deliver_digests",
    "deliver_due",
    "match_batch",
    "match_new_articles",
    "parse",
    "send_sample",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
