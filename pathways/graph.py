"""The pathway as a networkx graph, and the checks that make it safe to plan from.

``leads_to`` edges are the strict order of the pathway (a strategy discussion comes before
the section 47 enquiry it decides on) and must never form a cycle; ``parallel_with`` edges
say two stages run side by side (a medical alongside the enquiry, therapy alongside an
investigation) and impose no order. Every stage must be reachable from the start, or a
situation could never arrive at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx

from services.errors import Problem

from .model import StageDef

__all__ = ["LEADS_TO", "PARALLEL", "build_graph", "check_graph", "strict_order", "strict_subgraph"]

LEADS_TO = "leads_to"
PARALLEL = "parallel_with"


def build_graph(stages: Sequence[StageDef]) -> nx.DiGraph:
    """Nodes are stage ids (with ``index`` = position in the file); edges carry ``kind``.

    A parallel pair is stored in both directions, so either stage finds the other.
    Edges to stages that are not defined are left out (``check_graph`` reports them).
    """
    graph = nx.DiGraph()
    for index, stage in enumerate(stages):
        graph.add_node(stage.id, index=index, line=stage.line)
    known = set(graph.nodes)
    for stage in stages:
        for target, line in zip(stage.leads_to, stage.leads_to_lines or [stage.line] * len(stage.leads_to)):
            if target in known:
                graph.add_edge(stage.id, target, kind=LEADS_TO, line=line)
    for stage in stages:
        for other in stage.parallel_with:
            if other in known:
                for a, b in ((stage.id, other), (other, stage.id)):
                    if not graph.has_edge(a, b):
                        graph.add_edge(a, b, kind=PARALLEL, line=stage.line)
    return graph


def strict_subgraph(graph: nx.DiGraph) -> nx.DiGraph:
    """Only the ``leads_to`` edges: the order that must be acyclic."""
    strict = nx.DiGraph()
    strict.add_nodes_from(graph.nodes(data=True))
    strict.add_edges_from((a, b, d) for a, b, d in graph.edges(data=True) if d["kind"] == LEADS_TO)
    return strict


def check_graph(graph: nx.DiGraph, stages: Sequence[StageDef], start: str, file: str) -> list[Problem]:
    """Everything wrong with the graph's shape, each located in the file."""
    problems: list[Problem] = []
    by_id = {s.id: s for s in stages}
    for stage in stages:
        for kind, targets in ((LEADS_TO, stage.leads_to), (PARALLEL, stage.parallel_with)):
            for target in targets:
                if target == stage.id:
                    problems.append(
                        Problem(
                            file, stage.line, f"stages.{stage.id}.{kind}", "a stage cannot lead to itself"
                        )
                    )
                elif target not in by_id:
                    problems.append(
                        Problem(
                            file,
                            stage.line,
                            f"stages.{stage.id}.{kind}",
                            f"{target!r} is not a stage defined in this file",
                        )
                    )
        both = set(stage.leads_to) & set(stage.parallel_with)
        for target in sorted(both):
            problems.append(
                Problem(
                    file,
                    stage.line,
                    f"stages.{stage.id}",
                    f"{target!r} is both in leads_to and parallel_with: "
                    "a stage either comes after another or runs alongside it",
                )
            )
    strict = strict_subgraph(graph)
    strict.remove_edges_from([(a, b) for a, b in strict.edges if a == b])
    for cycle in _cycles(strict):
        # Blame the edge that closes the loop back to the earliest stage: usually the slip.
        back = cycle[-1]
        path = " -> ".join([*(a for a, _ in cycle), cycle[0][0]])
        line = strict.edges[back].get("line")
        problems.append(
            Problem(file, line, f"stages.{back[0]}.leads_to", f"the strict order has a cycle: {path}")
        )
    if start not in graph:
        problems.append(Problem(file, None, "start", f"{start!r} is not a stage defined in this file"))
    else:
        reached = nx.descendants(graph, start) | {start}
        for stage in stages:
            if stage.id not in reached:
                problems.append(
                    Problem(
                        file,
                        stage.line,
                        f"stages.{stage.id}",
                        f"nothing reaches this stage from {start!r} "
                        "(add it to another stage's leads_to or parallel_with)",
                    )
                )
    return problems


def _cycles(strict: nx.DiGraph) -> Iterable[list[tuple[str, str]]]:
    """One cycle per strongly connected knot, so each loop is reported once."""
    for component in sorted(
        nx.strongly_connected_components(strict), key=lambda c: min(strict.nodes[n]["index"] for n in c)
    ):
        if len(component) < 2:
            continue
        sub = strict.subgraph(component)
        begin = min(component, key=lambda n: strict.nodes[n]["index"])
        yield list(nx.find_cycle(sub, source=begin))


def strict_order(graph: nx.DiGraph) -> list[str]:
    """Stages in an order that respects every ``leads_to`` edge, ties broken by file order.

    Deterministic: the same file always gives the same order.
    """
    strict = strict_subgraph(graph)
    return list(nx.lexicographical_topological_sort(strict, key=lambda n: strict.nodes[n]["index"]))
