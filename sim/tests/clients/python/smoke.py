"""The official Python Kubernetes client against a Kubernetes API server (agentdeck's sim in
the test suite, but nothing here knows that): every call goes through the library's own
kubeconfig loader and models, so an answer that differs from kube-apiserver's shows up as a
failed check.

Prints one JSON line per check: {"check": NAME, "ok": true|false, "detail": "..."}.
Exits 1 when a check failed. KUBECONFIG names the cluster; the namespace is ai-agents.
"""

import json
import sys
import threading
import time
import traceback
import uuid

from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

NS = "ai-agents"
SUFFIX = uuid.uuid4().hex[:8]
CM = f"smoke-py-cm-{SUFFIX}"
DEPLOY = f"smoke-py-deploy-{SUFFIX}"

failures = []


class CheckFailed(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise CheckFailed(what)


def check(name):
    """Run the decorated function as check `name` at once; print its result line."""

    def run(fn):
        try:
            detail = fn()
            ok = True
        except CheckFailed as e:
            ok, detail = False, str(e)
        except ApiException as e:
            ok, detail = False, f"HTTP {e.status} {e.reason}: {e.body}"
        except Exception as e:  # a library error (e.g. a model that does not deserialize)
            ok = False
            detail = f"{type(e).__name__}: {e}\n{traceback.format_exc()}"
        if not ok:
            failures.append(name)
        print(json.dumps({"check": name, "ok": ok, "detail": str(detail or "")}), flush=True)
        return fn

    return run


def status_reason(e):
    """The `reason` of the Status in an ApiException's body."""
    try:
        return json.loads(e.body).get("reason")
    except (TypeError, ValueError):
        return None


def expect_refused(call, status, reason, what, data):
    """`call` must fail with HTTP `status` and a Status of `reason`, leaving ConfigMap CM's
    data as `data`; returns the check's detail."""
    try:
        call()
    except ApiException as e:
        expect(e.status == status, f"{what}: HTTP {e.status}, wanted {status}; body {e.body}")
        got = status_reason(e)
        expect(got == reason, f"{what}: reason {got!r}, wanted {reason!r}; body {e.body}")
        now = core.read_namespaced_config_map(CM, NS).data
        expect(now == data, f"{what} changed the data: {now}, wanted {data}")
        return f"{status} {reason}: {json.loads(e.body).get('message')}"
    raise CheckFailed(f"{what} succeeded")


def expect_404(read, what):
    try:
        read()
    except ApiException as e:
        expect(e.status == 404, f"reading {what} after delete: HTTP {e.status}, wanted 404")
        expect(
            status_reason(e) == "NotFound",
            f"reading {what} after delete: reason {status_reason(e)!r}, wanted 'NotFound'",
        )
        return
    raise CheckFailed(f"{what} can still be read after delete")


def kind_of(answer):
    return answer.get("kind") if isinstance(answer, dict) else type(answer).__name__


def expect_delete_status(answer, name, group, resource):
    """A delete's answer as kube-apiserver gives it for an object deleted at once: a Status
    (the library types it as a plain object; it must decode as its V1Status model)."""
    expect(
        isinstance(answer, dict) and answer.get("kind") == "Status",
        f"DELETE {resource}/{name} answered kind {kind_of(answer)}, wanted Status: {answer}",
    )
    st = client.V1Status.from_dict(answer)
    expect(st.status == "Success", f"status {st.status!r}, wanted 'Success': {answer}")
    d = st.details
    expect(
        d is not None
        and d.name == name
        and (d.group or "") == group
        and d.kind == resource
        and d.uid,
        f"details {d}, wanted name {name}, group {group!r}, kind {resource} and a uid",
    )


config.load_kube_config()
core = client.CoreV1Api()
apps = client.AppsV1Api()
authz = client.AuthorizationV1Api()


@check("list_pods")
def _():
    pods = core.list_namespaced_pod(NS)
    names = [p.metadata.name for p in pods.items]
    expect(any(n.startswith("ai-agent-service-") for n in names), f"no ai-agent-service pod in {names}")
    expect(pods.metadata.resource_version, "the list has no resourceVersion")
    return f"{len(names)} pods"


@check("list_deployments")
def _():
    deps = apps.list_namespaced_deployment(NS)
    names = [d.metadata.name for d in deps.items]
    expect("ai-agent-service" in names, f"ai-agent-service not in {names}")
    return f"{len(names)} deployments: {names}"


@check("list_namespaces")
def _():
    names = [n.metadata.name for n in core.list_namespace().items]
    expect({"ai-agents", "default", "kube-system"} <= set(names), f"namespaces: {names}")
    return f"{len(names)} namespaces"


@check("watch_pods")
def _():
    pods = core.list_namespaced_pod(NS, label_selector="app=ai-agent-service")
    expect(pods.items, "no ai-agent-service pod to change")
    pod = pods.items[0].metadata.name
    value = f"w{SUFFIX}"
    w = watch.Watch()
    # The change is made once the watch is open (from the list's resourceVersion, so an
    # event is not lost if the patch lands before the stream's first read).
    patcher = threading.Timer(
        1.0,
        lambda: core.patch_namespaced_pod(pod, NS, {"metadata": {"labels": {"smoke-watch": value}}}),
    )
    seen = []
    started = time.monotonic()
    try:
        patcher.start()
        for ev in w.stream(
            core.list_namespaced_pod,
            NS,
            resource_version=pods.metadata.resource_version,
            timeout_seconds=20,
        ):
            obj = ev["object"]
            seen.append(f"{ev['type']} {obj.metadata.name}")
            labels = obj.metadata.labels or {}
            if (
                ev["type"] in ("ADDED", "MODIFIED")
                and obj.metadata.name == pod
                and labels.get("smoke-watch") == value
            ):
                w.stop()
                return f"{ev['type']} {pod} after {time.monotonic() - started:.1f}s ({len(seen)} events)"
    finally:
        patcher.cancel()
        w.stop()
    raise CheckFailed(f"no event with the label set on {pod} within 20s; saw {seen[-10:]}")


@check("update_conflict")
def _():
    cm = core.create_namespaced_config_map(
        NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name=CM), data={"step": "created"})
    )
    stale = cm.metadata.resource_version
    expect(stale, "the created ConfigMap has no resourceVersion")
    cm.data = {"step": "updated"}
    fresh = core.replace_namespaced_config_map(CM, NS, cm)
    expect(fresh.metadata.resource_version != stale, "an update did not change the resourceVersion")
    cm.data = {"step": "stale"}
    cm.metadata.resource_version = stale
    return expect_refused(
        lambda: core.replace_namespaced_config_map(CM, NS, cm),
        409,
        "Conflict",
        "an update with a stale resourceVersion",
        {"step": "updated"},
    )


@check("patch_strategic_merge")
def _():
    dep = apps.patch_namespaced_deployment(
        "ai-agent-service",
        NS,
        {"metadata": {"annotations": {"smoke/strategic": SUFFIX}}},
        _content_type="application/strategic-merge-patch+json",
    )
    got = (dep.metadata.annotations or {}).get("smoke/strategic")
    expect(got == SUFFIX, f"annotation after the patch: {got!r}")
    return "annotation set on deployment ai-agent-service"


@check("patch_json_merge")
def _():
    cm = core.patch_namespaced_config_map(
        CM,
        NS,
        {"data": {"merged": "yes", "step": None}},
        _content_type="application/merge-patch+json",
    )
    expect(cm.data == {"merged": "yes"}, f"data after the merge patch: {cm.data}")
    return f"data {cm.data}"


@check("patch_unknown_field")
def _():
    # A field the kind does not have is dropped, with a warning (fieldValidation Warn, the
    # default): the stored object, read raw (the models would hide it), does not have it.
    _, _, headers = core.patch_namespaced_config_map_with_http_info(
        CM, NS, {"bogus": "x"}, _content_type="application/merge-patch+json"
    )
    warning = (headers or {}).get("Warning", "")
    expect('unknown field \\"bogus\\"' in warning, f"Warning header: {warning!r}")
    raw = json.loads(core.read_namespaced_config_map(CM, NS, _preload_content=False).data)
    expect("bogus" not in raw, f"the unknown field was stored: {raw}")
    return f"dropped; Warning: {warning}"


@check("patch_stale_resource_version")
def _():
    # A resourceVersion in a patch is a precondition (optimistic locking without a read):
    # a stale one is 409 Conflict, as for an update.
    return expect_refused(
        lambda: core.patch_namespaced_config_map(
            CM,
            NS,
            {"metadata": {"resourceVersion": "1"}, "data": {"merged": "stale"}},
            _content_type="application/merge-patch+json",
        ),
        409,
        "Conflict",
        "a merge patch with a stale resourceVersion",
        {"merged": "yes"},
    )


@check("patch_json_patch")
def _():
    cm = core.patch_namespaced_config_map(
        CM,
        NS,
        [
            {"op": "add", "path": "/data/added", "value": "1"},
            {"op": "remove", "path": "/data/merged"},
        ],
        _content_type="application/json-patch+json",
    )
    expect(cm.data == {"added": "1"}, f"data after the JSON patch: {cm.data}")
    return f"data {cm.data}"


@check("patch_json_patch_test_fails")
def _():
    # A `test` guard on the resourceVersion, the usual optimistic-concurrency JSON patch:
    # with a stale one the patch does not apply, and kube-apiserver answers 422 Invalid.
    return expect_refused(
        lambda: core.patch_namespaced_config_map(
            CM,
            NS,
            [
                {"op": "test", "path": "/metadata/resourceVersion", "value": "1"},
                {"op": "add", "path": "/data/guarded", "value": "yes"},
            ],
            _content_type="application/json-patch+json",
        ),
        422,
        "Invalid",
        "a JSON patch whose test op fails",
        {"added": "1"},
    )


@check("scale_subresource")
def _():
    labels = {"app": DEPLOY}
    apps.create_namespaced_deployment(
        NS,
        client.V1Deployment(
            metadata=client.V1ObjectMeta(name=DEPLOY),
            spec=client.V1DeploymentSpec(
                replicas=1,
                selector=client.V1LabelSelector(match_labels=labels),
                template=client.V1PodTemplateSpec(
                    metadata=client.V1ObjectMeta(labels=labels),
                    spec=client.V1PodSpec(
                        containers=[client.V1Container(name="main", image="busybox:1.36")]
                    ),
                ),
            ),
        ),
    )
    scale = apps.read_namespaced_deployment_scale(DEPLOY, NS)
    expect(scale.spec.replicas == 1, f"scale.spec.replicas {scale.spec.replicas}, wanted 1")
    apps.patch_namespaced_deployment_scale(
        DEPLOY, NS, {"spec": {"replicas": 2}}, _content_type="application/merge-patch+json"
    )
    got = apps.read_namespaced_deployment(DEPLOY, NS).spec.replicas
    expect(got == 2, f"after patching the scale to 2, deployment spec.replicas is {got}")
    # A replace carries the resourceVersion read; the deployment controller may update the
    # Deployment in between (409 Conflict), so read again and retry, as clients do.
    for attempt in range(1, 6):
        scale = apps.read_namespaced_deployment_scale(DEPLOY, NS)
        scale.spec.replicas = 3
        try:
            replaced = apps.replace_namespaced_deployment_scale(DEPLOY, NS, scale)
            break
        except ApiException as e:
            if e.status != 409 or attempt == 5:
                raise
    expect(replaced.spec.replicas == 3, f"the replaced scale says {replaced.spec.replicas}")
    got = apps.read_namespaced_deployment(DEPLOY, NS).spec.replicas
    expect(got == 3, f"after replacing the scale with 3, deployment spec.replicas is {got}")
    return f"1 -> 2 (patch) -> 3 (replace); selector {scale.status.selector!r}"


@check("pod_logs")
def _():
    # A container that has started (the scale above may have just added pods).
    running = []
    for i in range(60):
        if i:
            time.sleep(0.5)
        pods = core.list_namespaced_pod(NS, label_selector="app=ai-agent-service").items
        running = [
            p for p in pods
            if p.status.container_statuses and p.status.container_statuses[0].state.running
        ]
        if running:
            break
    expect(running, "no ai-agent-service pod with a running container in 30 s")
    name = running[0].metadata.name
    text = core.read_namespaced_pod_log(name, NS, tail_lines=20)
    expect(isinstance(text, str) and text.strip(), f"log of {name}: {text!r}")
    return f"{len(text.splitlines())} lines from {name}"


# What the deletes answered, for delete_status below.
deleted = {}


@check("delete")
def _():
    deleted["cm"] = core.delete_namespaced_config_map(CM, NS)
    expect_404(lambda: core.read_namespaced_config_map(CM, NS), f"configmap {CM}")
    deleted["deploy"] = apps.delete_namespaced_deployment(DEPLOY, NS)
    expect_404(lambda: apps.read_namespaced_deployment(DEPLOY, NS), f"deployment {DEPLOY}")
    return f"configmap: {kind_of(deleted['cm'])}; deployment: {kind_of(deleted['deploy'])}"


@check("delete_status")
def _():
    expect(len(deleted) == 2, "the deletes did not both answer")
    expect_delete_status(deleted["cm"], CM, "", "configmaps")
    expect_delete_status(deleted["deploy"], DEPLOY, "apps", "deployments")
    return "Status Success with the deleted object's name, group, resource and uid"


@check("self_subject_access_review")
def _():
    review = authz.create_self_subject_access_review(
        client.V1SelfSubjectAccessReview(
            spec=client.V1SelfSubjectAccessReviewSpec(
                resource_attributes=client.V1ResourceAttributes(
                    namespace=NS, verb="list", resource="pods"
                )
            )
        )
    )
    expect(review.status is not None and review.status.allowed is True, f"status {review.status}")
    return "list pods in ai-agents: allowed"


if failures:
    print(f"FAILED: {', '.join(failures)}", file=sys.stderr)
    sys.exit(1)
