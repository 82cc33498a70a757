"""The role registry (cskit/roles/registry.py): one table of per-role facts that every consumer reads."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cskit
from cskit import contract
from cskit.report import plan as reports
from cskit.kpi import funnel
from cskit.kpi.registry import registry
from cskit.plots import roles as role_plots, targets as target_plots
from cskit.roles import load_knowledge
from cskit.roles.registry import (
    ALIASES, MODEL_ORDER, PAY_CHART_ORDER, QUIZ_GROUPS, QUIZ_ROLE, ROLE_IDS, ROLE_TABLE, SALES_ROLES, per_role,
    resolve_role, stage_owners, team_stages,
)
from cskit.widgets import aptitude, targets as target_widgets

#: The literals the registry replaced, as they stood in each consumer before (the facts must not move).
BEFORE = {
    "contract.ROLES": ("cs", "inside_sales", "field_sales", "support", "marketing"),
    "contract.SALES_ROLES": ("inside_sales", "field_sales"),
    "reports.NOTEBOOKS_BY_ROLE": {
        "cs": ("01", "02", "03", "04"), "inside_sales": ("01", "02", "03", "04"),
        "field_sales": ("01", "02", "03", "04"), "support": ("01", "02", "03"), "marketing": ("01", "02", "03"),
    },
    "reports.HEADLINE_KPIS": {
        "cs": ("mrr", "nrr_12m", "logo_churn_rate"),
        "inside_sales": ("contacts", "contact_rate", "meeting_conversion_rate"),
        "field_sales": ("win_rate", "new_customers", "mrr"),
        "support": ("tickets_opened", "resolution_rate"),
        "marketing": ("leads_created", "cac"),
    },
    "funnel.STAGE_OWNER": {
        "leads": "marketing", "meetings": "inside_sales", "opportunities": "field_sales", "won": "field_sales",
        "retained_12m": "cs", "expanded": "cs",
    },
    "funnel.TEAM_STAGES": {
        "all": ("leads", "meetings", "opportunities", "won", "retained_12m", "expanded"),
        "marketing": ("leads",), "inside_sales": ("leads", "meetings"),
        "field_sales": ("opportunities", "won", "retained_12m", "expanded"),
        "cs": ("won", "retained_12m", "expanded"), "support": (),
    },
    "plots.roles.pay_ranges order": ("field_sales", "cs", "support", "inside_sales", "marketing"),
    "roles_view classification order": ("inside_sales", "field_sales", "cs", "support"),
    "roles.QUIZ_ROLES": ("cs", "sales", "support"),
    "roles._ROLE_ALIASES": {"sales": "field_sales", "customer_success": "cs", "customer_support": "support"},
    "widgets.aptitude names": {"cs": "cs", "sales": "field_sales", "support": "support"},
}


def test_the_registry_holds_the_facts_its_consumers_held_before():
    assert contract.ROLES == BEFORE["contract.ROLES"] == ROLE_IDS
    assert contract.SALES_ROLES == BEFORE["contract.SALES_ROLES"] == SALES_ROLES
    assert reports.NOTEBOOKS_BY_ROLE == BEFORE["reports.NOTEBOOKS_BY_ROLE"]
    assert reports.HEADLINE_KPIS == BEFORE["reports.HEADLINE_KPIS"]
    assert funnel.STAGE_OWNER == BEFORE["funnel.STAGE_OWNER"]
    assert list(funnel.STAGE_OWNER) == list(funnel.STAGES)
    assert funnel.TEAM_STAGES == BEFORE["funnel.TEAM_STAGES"]
    assert PAY_CHART_ORDER == BEFORE["plots.roles.pay_ranges order"]
    assert role_plots.pay_ranges.__defaults__[-1] == PAY_CHART_ORDER
    assert tuple(r for r in MODEL_ORDER if r != "marketing") == BEFORE["roles_view classification order"]
    assert QUIZ_GROUPS == BEFORE["roles.QUIZ_ROLES"]
    assert ALIASES == BEFORE["roles._ROLE_ALIASES"]
    assert QUIZ_ROLE == BEFORE["widgets.aptitude names"]
    assert list(target_plots.ROLE_COLOURS) == list(ROLE_IDS)


def test_target_examples_and_the_account_column():
    examples = target_widgets.STATIC_EXAMPLES
    assert set(examples) == set(ROLE_IDS) | {"all"}
    for role in ROLE_IDS:
        assert examples[role] == ROLE_TABLE[role].target_examples
        assert len(examples[role]) == 3
    assert {r: ROLE_TABLE[r].account_column for r in ROLE_IDS} == {
        "cs": "team", "inside_sales": "sales_team", "field_sales": "sales_team", "support": "team", "marketing": "team"}


def test_every_kpi_and_stage_the_registry_names_exists():
    kpis = registry()
    for role in ROLE_TABLE.values():
        for kpi_id in role.headline_kpis:
            assert kpi_id in kpis, (role.id, kpi_id)
        for kpi_id, _, months, parent in role.target_examples:
            assert kpi_id in kpis and (parent is None or parent in kpis) and months > 0
        assert set(role.funnel_stages) <= set(funnel.STAGES)
        assert set(role.moves_into) <= set(role.funnel_stages) | {"won"}
        assert set(role.notebooks) <= {"01", "02", "03", "04"}
    assert stage_owners(funnel.STAGES).keys() == set(funnel.STAGES)
    assert team_stages(funnel.STAGES)["all"] == funnel.STAGES


def test_positions_are_orders_and_quiz_groups_match_the_knowledge_base():
    assert sorted(r.model_position for r in ROLE_TABLE.values()) == list(range(1, len(ROLE_IDS) + 1))
    assert sorted(r.pay_chart_position for r in ROLE_TABLE.values()) == list(range(1, len(ROLE_IDS) + 1))
    for lang in ("ja", "en"):
        quiz = load_knowledge(lang)["aptitude_quiz"]
        assert set(quiz["explanations"]) == set(QUIZ_GROUPS)
        assert all(set(q["weights"]) == set(QUIZ_GROUPS) for q in quiz["questions"])
    assert aptitude._role_names("en") == {g: load_knowledge("en")["roles"][QUIZ_ROLE[g]]["name"] for g in QUIZ_GROUPS}


@pytest.mark.parametrize("value,expected", [("sales", "field_sales"), ("customer_success", "cs"),
                                            ("support", "support"), ("nobody", None)])
def test_resolve_role(value, expected):
    assert resolve_role(value) == expected


def test_per_role_is_in_table_order():
    assert list(per_role("id")) == list(ROLE_IDS)


def _module_imports(path: Path, package: str) -> set[str]:
    """cskit modules that ``path`` imports at module level (not inside functions)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module.startswith("cskit"):
                found.add(module)
                found.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("cskit"))
    return found


def test_no_import_cycle_the_registry_imports_nothing_from_cskit():
    root = Path(cskit.__file__).parent
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if parts[-1] == "__init__" else ".".join(parts[:-1])
        modules[name] = path, package
    graph = {name: {m for m in _module_imports(path, package) if m in modules} for name, (path, package) in modules.items()}
    assert graph["cskit.roles.registry"] == set()
    # what importing the registry runs (its package's __init__ too) never reaches the contract or the data layer
    seen, todo = set(), ["cskit.roles.registry", "cskit.roles"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    assert not seen & {"cskit.contract", "cskit.io", "cskit.kpi.funnel", "cskit.roles.view"}, seen
    # and the sample, the roles and the contract are in no module-level cycle
    for start in ("cskit.contract", "cskit.roles.view", "cskit.exercises", "cskit.sample"):
        stack, path_seen = [(start, (start,))], set()
        while stack:
            name, trail = stack.pop()
            for nxt in graph[name]:
                assert nxt != start, f"cycle: {' -> '.join(trail + (nxt,))}"
                if nxt not in path_seen and nxt != "cskit":  # cskit/__init__ is the public facade, not a layer
                    path_seen.add(nxt)
                    stack.append((nxt, trail + (nxt,)))
