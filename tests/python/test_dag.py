"""The shape of the DAG, read from dbt's manifest (`dbt parse`, no build).

- Data flows one way: staging reads sources and seeds, intermediate reads staging
  and intermediate models, marts read intermediate models and marts, exports read
  marts. No intermediate model depends on a mart.
- No model joins a mart with one of that mart's own ancestors (a mart is an end
  product: what is built from it reads it, not it and its ingredients again).
- Every folder configured under `models: retail_segments:` in dbt_project.yml is a
  real folder of a model path, and nothing is switched off: every model is enabled.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import yaml
from support.builds import PROJECT_DIR, run_dbt

pytestmark = pytest.mark.integration

LAYERS = {"staging": 0, "intermediate": 1, "marts": 2, "exports": 3}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("parse")
    run_dbt(workdir, ["parse"])
    return json.loads((workdir / "target" / "manifest.json").read_text())


def models(manifest: dict) -> dict[str, dict]:
    return {key: n for key, n in manifest["nodes"].items() if n["resource_type"] == "model"}


def layer(node: dict) -> str:
    return node["fqn"][1]


def model_graph(manifest: dict) -> nx.DiGraph:
    nodes = models(manifest)
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    for key, node in nodes.items():
        for parent in node["depends_on"]["nodes"]:
            if parent in nodes:
                graph.add_edge(parent, key)
    return graph


def test_every_model_is_in_a_known_layer(manifest: dict) -> None:
    unknown = sorted(n["name"] for n in models(manifest).values() if layer(n) not in LAYERS)
    assert not unknown, f"models outside staging/intermediate/marts/exports: {unknown}"
    assert {layer(n) for n in models(manifest).values()} == set(LAYERS)


def test_data_flows_one_way(manifest: dict) -> None:
    nodes = models(manifest)
    backwards = sorted(
        f"{nodes[parent]['name']} ({layer(nodes[parent])}) -> {nodes[child]['name']} "
        f"({layer(nodes[child])})"
        for parent, child in model_graph(manifest).edges
        if LAYERS[layer(nodes[parent])] > LAYERS[layer(nodes[child])]
    )
    assert not backwards, "edges against the flow:\n  " + "\n  ".join(backwards)
    intermediate_reads_mart = [b for b in backwards if "(marts) ->" in b and "(intermediate)" in b]
    assert not intermediate_reads_mart


def test_staging_reads_only_sources_seeds_and_staging(manifest: dict) -> None:
    nodes = manifest["nodes"]
    wrong = sorted(
        f"{node['name']} <- {parent}"
        for node in models(manifest).values()
        if layer(node) == "staging"
        for parent in node["depends_on"]["nodes"]
        if not parent.startswith(("source.", "seed."))
        and not (parent in nodes and layer(nodes[parent]) == "staging")
    )
    assert not wrong, wrong


def test_no_model_rejoins_a_mart_with_its_ancestors(manifest: dict) -> None:
    nodes = models(manifest)
    graph = model_graph(manifest)
    rejoins = []
    for child in graph.nodes:
        parents = set(graph.predecessors(child))
        for parent in parents:
            if layer(nodes[parent]) != "marts":
                continue
            again = parents & nx.ancestors(graph, parent)
            rejoins += [
                f"{nodes[child]['name']} reads {nodes[parent]['name']} and its ancestor "
                f"{nodes[a]['name']}"
                for a in sorted(again)
            ]
    assert not rejoins, "\n".join(rejoins)


def test_python_models_are_intermediate_models(manifest: dict) -> None:
    python = [n for n in models(manifest).values() if n["language"] == "python"]
    # 4 x 3 k-means, 3 customer value, 3 segment history (stored model, checks, assignment)
    assert len(python) == 18, [n["name"] for n in python]
    for node in python:
        assert node["original_file_path"].startswith("python_models/intermediate/"), node["name"]
        assert layer(node) == "intermediate"


def test_configured_folders_exist() -> None:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    paths = [PROJECT_DIR / p for p in project["model-paths"]]

    def folders(config: dict, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = []
        for key, value in config.items():
            if not key.startswith("+") and isinstance(value, dict):
                found.append((*prefix, key))
                found += folders(value, (*prefix, key))
        return found

    configured = folders(project["models"]["retail_segments"], ())
    assert configured, "dbt_project.yml configures no folder"
    missing = ["/".join(f) for f in configured if not any((p / Path(*f)).is_dir() for p in paths)]
    assert not missing, f"dbt_project.yml configures folders that no model path has: {missing}"


def test_nothing_is_switched_off(manifest: dict) -> None:
    disabled = sorted(n["name"] for group in manifest.get("disabled", {}).values() for n in group)
    assert not disabled, f"disabled nodes: {disabled}"
