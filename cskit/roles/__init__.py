"""Roles: who does what in The Model, as data (registry and knowledge base) and as notebook views.

=================  ==================================================================
module             what it holds
=================  ==================================================================
``registry``       every per-role fact cskit acts on (:data:`~.registry.ROLE_TABLE`):
                   sales or not, notebooks, headline KPIs, funnel stages, target
                   examples, display orders, quiz groups; imports nothing from cskit
``content``        the knowledge base ``content/roles.{ja,en}.yml``: profiles,
                   comparisons, the aptitude quiz (:func:`aptitude_leaning`)
``funnel_text``    the funnel's words, shared by its chart, table and summary
``view``           the styled tables and Markdown notebook 01 shows
                   (its exercises are :mod:`cskit.exercises`)
=================  ==================================================================

This package's ``__init__`` imports only ``registry`` and ``content``: the contract
imports the registry, and ``view`` needs the KPI layer, which needs the contract.

Examples
--------
>>> from cskit.roles import ROLE_IDS, role_profile
>>> ROLE_IDS[0], role_profile("cs", "en")["name"]
('cs', 'Customer Success (CS)')
"""
from __future__ import annotations

from .content import aptitude_leaning, comparison_table, load_knowledge, role_profile
from .registry import QUIZ_GROUPS, ROLE_IDS, ROLE_TABLE, SALES_ROLES, Role

__all__ = [
    "QUIZ_GROUPS", "ROLE_IDS", "ROLE_TABLE", "SALES_ROLES", "Role",
    "aptitude_leaning", "comparison_table", "load_knowledge", "role_profile",
]
