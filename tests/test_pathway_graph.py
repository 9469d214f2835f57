"""The pathway definition: the shipped file is complete and sound; broken files fail clearly.

Every broken-file case checks that the error names the file and the line a maintainer has
to fix, because a pathway mistake silently changes what practitioners are told to do.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

from pathways.definition import SHIPPED_PATHWAY, load_pathway, pathway_path
from pathways.graph import LEADS_TO, PARALLEL, strict_order, strict_subgraph
from pathways.model import PROMPT_IDS
from services.directory import load_directory
from services.errors import DataError
from services.vocabulary import AGENCIES, SERVICE_TYPES, STAGES

REPORT = Path("/work/shared/reference/jtai-csa-family-environment-2020.txt")
SHIPPED_TEXT = SHIPPED_PATHWAY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pathway():
    return load_pathway()


# -- the shipped pathway ----------------------------------------------------------------
def test_every_design_stage_is_defined_once(pathway):
    assert sorted(s.id for s in pathway.stages) == sorted(STAGES)


def test_every_design_prompt_has_text_and_source(pathway):
    assert sorted(p.id for p in pathway.prompts) == sorted(PROMPT_IDS)
    for prompt in pathway.prompts:
        assert len(prompt.text) > 40, prompt.id
        assert prompt.source, prompt.id


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_title_why_service_types_and_agencies_from_vocabulary(pathway, stage):
    s = pathway.stage(stage)
    assert s.title and s.why
    assert s.service_types and set(s.service_types) <= set(SERVICE_TYPES)
    assert {a.agency for a in s.agencies} <= set(AGENCIES)
    assert s.when in ("now", "next", "later")


def test_stage_service_types_agree_with_the_taxonomy(pathway):
    """The pathway only names service types that the taxonomy says serve that stage."""
    taxonomy = load_directory().taxonomy
    for stage in pathway.stages:
        for t in stage.service_types:
            assert stage.id in taxonomy.type(t).stages, f"{stage.id}: {t}"


def test_graph_is_a_digraph_with_strict_and_parallel_edges(pathway):
    graph = pathway.graph
    assert isinstance(graph, nx.DiGraph)
    assert set(graph.nodes) == set(STAGES)
    kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert kinds == {LEADS_TO, PARALLEL}


@pytest.mark.parametrize(
    "a, b",
    [
        ("medical_assessment", "section_47_enquiry"),
        ("therapeutic_support", "criminal_investigation"),
        ("therapeutic_support", "achieving_best_evidence"),
        ("family_support", "therapeutic_support"),
    ],
)
def test_stages_that_run_alongside_are_parallel_both_ways(pathway, a, b):
    assert pathway.graph.edges[a, b]["kind"] == PARALLEL
    assert pathway.graph.edges[b, a]["kind"] == PARALLEL


def test_strict_order_is_acyclic_and_everything_is_reachable(pathway):
    strict = strict_subgraph(pathway.graph)
    assert nx.is_directed_acyclic_graph(strict)
    assert nx.descendants(pathway.graph, pathway.start) | {pathway.start} == set(STAGES)


def test_stage_order_respects_every_strict_edge(pathway):
    order = {s: i for i, s in enumerate(strict_order(pathway.graph))}
    assert [s.id for s in pathway.stages] == strict_order(pathway.graph)
    for a, b, d in pathway.graph.edges(data=True):
        if d["kind"] == LEADS_TO:
            assert order[a] < order[b], (a, b)
    assert pathway.stages[0].id == "immediate_safety"


def test_therapy_is_never_gated_on_the_investigation(pathway):
    therapy = pathway.stage("therapeutic_support")
    assert "investigation" in therapy.never_gated_on
    assert "investigation" not in therapy.applies_when.fields()
    for variant in therapy.variants:
        if variant.when is not None:
            assert "investigation" not in variant.condition.fields()


def test_strategy_discussion_always_invites_the_three_core_agencies(pathway):
    from pathways.rules import Always

    unconditional = {
        a.agency for a in pathway.stage("strategy_discussion").agencies if a.condition == Always(True)
    }
    assert {"childrens_social_care", "police", "health_paediatrics"} <= unconditional


def test_every_agency_has_a_human_name(pathway):
    assert set(pathway.agency_names) == set(AGENCIES)


@pytest.mark.skipif(not REPORT.exists(), reason="inspection report not available")
def test_report_sections_cited_exist_in_the_report(pathway):
    lines = {line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines()}
    for key, text in pathway.sources.items():
        if key.startswith("jtai_") and key != "jtai_2020":
            section = text.split(":", 1)[1].strip()
            assert section in lines, f"{key}: {section!r} is not a section of the report"


def test_loading_is_cached_per_file_version():
    assert load_pathway() is load_pathway()


def test_pathway_path_prefers_the_data_directory(tmp_path):
    assert pathway_path(tmp_path) == SHIPPED_PATHWAY
    (tmp_path / "pathway.yaml").write_text(SHIPPED_TEXT, encoding="utf-8")
    assert pathway_path(tmp_path) == tmp_path / "pathway.yaml"


# -- broken files -----------------------------------------------------------------------
def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """Write the shipped file with ``old`` replaced by ``new``; return it and new's line."""
    assert SHIPPED_TEXT.count(old) == 1, f"fixture anchor not unique: {old!r}"
    text = SHIPPED_TEXT.replace(old, new)
    path = tmp_path / "pathway.yaml"
    path.write_text(text, encoding="utf-8")
    # the line of the first character that differs
    first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    line = text[: text.index(new) + first].count("\n") + 1
    return path, line


def _error(path: Path) -> str:
    with pytest.raises(DataError) as info:
        load_pathway(path)
    return str(info.value)


BROKEN = {
    "unknown stage in leads_to": (
        "    leads_to: [recognise_and_record]\n",
        "    leads_to: [recognise_and_recrod]\n",
        r"leads_to.*'recognise_and_recrod' is not a stage",
    ),
    "unknown service type": (
        "    service_types: [social_care_front_door]\n    leads_to: [strategy_discussion]",
        "    service_types: [social_care_front_dor]\n    leads_to: [strategy_discussion]",
        r"'social_care_front_dor' is not a service type",
    ),
    "unknown agency": (
        "    agencies: [childrens_social_care]\n    service_types: [social_care_front_door]",
        "    agencies: [childrens_socialcare]\n    service_types: [social_care_front_door]",
        r"'childrens_socialcare' is not an agency",
    ),
    "unknown prompt id": (
        "  - id: later_point_of_contact\n",
        "  - id: later_contact\n",
        r"'later_contact' is not a prompt id",
    ),
    "stage with no service type": (
        "    service_types: [offender_management, police]\n",
        "    service_types: []\n",
        r"offender_risk_management\.service_types: the stage has no service type",
    ),
    "condition on an unknown field": (
        "  older_teen: {field: age, gte: 16}\n",
        "  older_teen: {field: agee, gte: 16}\n",
        r"'agee' is not a situation field",
    ),
    "impossible value in a condition": (
        "  court_stage: {field: investigation, in: [charged, trial]}\n",
        "  court_stage: {field: investigation, in: [charged, trail]}\n",
        r"'trail' is not a value of investigation",
    ),
    "operator that does not fit the field": (
        "  school_age: {field: age, gte: 4}\n",
        "  school_age: {field: age, gte: four}\n",
        r"'four' is not a whole number",
    ),
    "unknown named condition": (
        "    applies_when: {ref: known_offender}\n",
        "    applies_when: {ref: known_offenders}\n",
        r"'known_offenders' is not a named condition",
    ),
    "therapy gated on the investigation": (
        "    never_gated_on: [investigation]\n",
        "    never_gated_on: [investigation]\n    applies_when: {ref: investigation_closed}\n",
        r"therapeutic_support\.applies_when: depends on investigation",
    ),
    "unknown source": (
        "    sources: [jtai_therapy]\n",
        "    sources: [jtai_therapi]\n",
        r"'jtai_therapi' is not in sources",
    ),
    "unknown key": (
        "    national_first: true\n    leads_to: [recognise_and_record]\n",
        "    national_frist: true\n    leads_to: [recognise_and_record]\n",
        r"national_frist: is not a known field",
    ),
    "duplicate key": (
        "    title: Someone to contact later\n",
        "    title: Someone to contact later\n    title: Again\n",
        r"duplicate key 'title'",
    ),
    "wrong when": (
        "    title: Refer to children's social care today\n    when: now\n",
        "    title: Refer to children's social care today\n    when: soon\n",
        r"'soon' is not a 'when'",
    ),
    "unknown indicator in a condition": (
        "  images_of_child: {field: indicators, includes: abuse_images}\n",
        "  images_of_child: {field: indicators, includes: abuse_image}\n",
        r"'abuse_image' is not a value of indicators",
    ),
    "list operator on a number": (
        "  suspect_under_10: {field: suspect_age, lt: 10}\n",
        "  suspect_under_10: {field: suspect_age, includes: 10}\n",
        r"cannot be used on 'suspect_age'",
    ),
    "services for someone the plan does not know": (
        "        services_for: [child, suspect]\n\n  - id: offender_risk_management",
        "        services_for: [child, brother]\n\n  - id: offender_risk_management",
        r"services_for",
    ),
    "prompt variant on an unknown field": (
        "      - if: {field: days_since_last_abuse, gte: 4}\n",
        "      - if: {field: days_since_abuse, gte: 4}\n",
        r"'days_since_abuse' is not a situation field",
    ),
    "own-contact age that is not a child's": (
        "    min_age: 5\n    service_types: [helpline]\n",
        "    min_age: 50\n    service_types: [helpline]\n",
        r"min_age",
    ),
    "family help for an unknown situation": (
        "  images_shared:\n    title:",
        "  images_shred:\n    title:",
        r"images_shred",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_pathway_is_refused_with_file_and_line(tmp_path, case):
    old, new, pattern = BROKEN[case]
    path, line = _broken(tmp_path, old, new)
    message = _error(path)
    match = [m for m in message.splitlines() if re.search(pattern, m)]
    assert match, message
    assert any(
        m.startswith(f"{path.parent.name}/pathway.yaml:{line}:") or f"pathway.yaml:{line}:" in m
        for m in match
    ), message


def test_cycle_in_the_strict_order_is_refused(tmp_path):
    old = "    service_types: [helpline, therapeutic, camhs, adult_survivor_support]\n"
    path, line = _broken(tmp_path, old, old + "    leads_to: [recognise_and_record]\n")
    message = _error(path)
    assert "the strict order has a cycle" in message
    assert "later_support -> recognise_and_record" in message
    assert f"pathway.yaml:{line}: stages.later_support.leads_to: the strict order has a cycle" in message


def test_stage_nothing_reaches_is_refused(tmp_path):
    path, _ = _broken(tmp_path, "    leads_to: [prevention_education]\n", "    leads_to: []\n")
    message = _error(path)
    stage_line = SHIPPED_TEXT[: SHIPPED_TEXT.index("  - id: prevention_education")].count("\n") + 1
    assert f"pathway.yaml:{stage_line}: stages.prevention_education: nothing reaches this stage" in message


def test_missing_and_duplicate_stages_are_refused(tmp_path):
    path, line = _broken(tmp_path, "  - id: prevention_education\n", "  - id: hsb_intervention\n")
    message = _error(path)
    assert "stages.hsb_intervention: is defined twice" in message
    assert "missing stage(s): prevention_education" in message


def test_named_conditions_that_loop_are_refused(tmp_path):
    old = "  earlier_concerns: {field: previous_concerns, gte: 1}\n"
    path, _ = _broken(tmp_path, old, old + "  loop_a: {ref: loop_b}\n  loop_b: {ref: loop_a}\n")
    message = _error(path)
    assert "refer to each other in a loop: loop_a -> loop_b -> loop_a" in message
    assert re.search(r"pathway\.yaml:\d+: conditions\.loop_\w\.ref:", message), message


def test_fallback_contact_must_suit_every_child(tmp_path):
    old = (
        "      service_areas: [national]\n      service_types: [helpline]\n"
        "      min_age: 0\n      max_age: 18\n"
    )
    path, _ = _broken(tmp_path, old, old.replace("max_age: 18", "max_age: 12"))
    assert "a fallback contact must be national, for every age 0 to 17" in _error(path)


def test_every_problem_is_reported_at_once(tmp_path):
    text = SHIPPED_TEXT.replace("  older_teen: {field: age, gte: 16}", "  older_teen: {field: agee, gte: 16}")
    text = text.replace("    sources: [jtai_therapy]", "    sources: [jtai_therapi]")
    path = tmp_path / "pathway.yaml"
    path.write_text(text, encoding="utf-8")
    message = _error(path)
    assert "'agee' is not a situation field" in message and "'jtai_therapi' is not in sources" in message
    assert all(re.match(r"^\S*pathway\.yaml:\d+: \S+: .+", line) for line in message.splitlines()), message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- just\n- a list\n", "the file must be a mapping"),
        ("version: 1\nstart: [\n", "pathway.yaml"),
        ("", "the file must be a mapping"),
    ],
)
def test_files_that_are_not_a_pathway_at_all(tmp_path, text, expected):
    path = tmp_path / "pathway.yaml"
    path.write_text(text, encoding="utf-8")
    assert expected in _error(path)


def test_missing_file_is_a_data_error(tmp_path):
    assert "cannot be read" in _error(tmp_path / "nope.yaml")
