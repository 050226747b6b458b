// The official JavaScript Kubernetes client (@kubernetes/client-node) against a Kubernetes
// API server (agentdeck's sim in the test suite, but nothing here knows that): every call
// goes through the library's own kubeconfig loader and models, so an answer that differs
// from kube-apiserver's shows up as a failed check.
//
// Prints one JSON line per check: {"check": NAME, "ok": true|false, "detail": "..."}.
// Exits 1 when a check failed. KUBECONFIG names the cluster; the namespace is ai-agents.

import { randomBytes } from "node:crypto";
import https from "node:https";
import * as k8s from "@kubernetes/client-node";

const NS = "ai-agents";
const SUFFIX = randomBytes(4).toString("hex");
const CM = `smoke-js-cm-${SUFFIX}`;
const DEPLOY = `smoke-js-deploy-${SUFFIX}`;

const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const authz = kc.makeApiClient(k8s.AuthorizationV1Api);

const failures = [];

class CheckFailed extends Error {}

function expect(cond, what) {
  if (!cond) throw new CheckFailed(what);
}

/** The Status in an ApiException's body (a string or already parsed), or {}. */
function statusOf(e) {
  if (typeof e?.body === "string") {
    try {
      return JSON.parse(e.body);
    } catch {
      return {};
    }
  }
  return e?.body ?? {};
}

async function check(name, fn) {
  let ok = true;
  let detail;
  try {
    detail = await fn();
  } catch (e) {
    ok = false;
    if (e instanceof CheckFailed) detail = e.message;
    else if (e instanceof k8s.ApiException)
      detail = `HTTP ${e.code}: ${JSON.stringify(statusOf(e))}`;
    else detail = `${e?.name}: ${e?.message}\n${e?.stack}`;
  }
  if (!ok) failures.push(name);
  console.log(JSON.stringify({ check: name, ok, detail: String(detail ?? "") }));
}

/** GET `path` with the kubeconfig's credentials, the JSON as the server sent it (the
 * library's models keep only the fields they know). */
async function rawGet(path) {
  const opts = { method: "GET", headers: { Accept: "application/json" } };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    https
      .request(new URL(kc.getCurrentCluster().server + path), opts, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve(JSON.parse(body)));
      })
      .on("error", reject)
      .end();
  });
}

const patchAs = (strategy) => k8s.setHeaderOptions("Content-Type", strategy);

/** `call` must fail with HTTP `status` and a Status of `reason`, leaving ConfigMap CM's data
 * as `data`; returns the check's detail. */
async function expectRefused(call, status, reason, what, data) {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof k8s.ApiException)) throw e;
    const st = statusOf(e);
    expect(e.code === status, `${what}: HTTP ${e.code}, wanted ${status}; body ${JSON.stringify(st)}`);
    expect(st.reason === reason, `${what}: reason ${st.reason}, wanted ${reason}`);
    const now = (await core.readNamespacedConfigMap({ name: CM, namespace: NS })).data;
    expect(
      JSON.stringify(now) === JSON.stringify(data),
      `${what} changed the data: ${JSON.stringify(now)}, wanted ${JSON.stringify(data)}`,
    );
    return `${status} ${reason}: ${st.message}`;
  }
  throw new CheckFailed(`${what} succeeded`);
}

async function expect404(read, what) {
  try {
    await read();
  } catch (e) {
    expect(e instanceof k8s.ApiException, `reading ${what} after delete: ${e}`);
    const reason = statusOf(e).reason;
    expect(e.code === 404, `reading ${what} after delete: HTTP ${e.code}, wanted 404`);
    expect(reason === "NotFound", `reading ${what} after delete: reason ${reason}, wanted NotFound`);
    return;
  }
  throw new CheckFailed(`${what} can still be read after delete`);
}

/** A delete's answer as kube-apiserver gives it for an object deleted at once: a Status. */
function expectDeleteStatus(st, name, group, resource) {
  const got = JSON.stringify(st);
  expect(st?.kind === "Status", `DELETE ${resource}/${name} answered kind ${st?.kind}, wanted Status: ${got}`);
  expect(st.status === "Success", `status ${st.status}, wanted Success: ${got}`);
  const d = st.details ?? {};
  expect(
    d.name === name && (d.group ?? "") === group && d.kind === resource && d.uid,
    `details ${JSON.stringify(d)}, wanted name ${name}, group "${group}", kind ${resource} and a uid`,
  );
}

await check("list_pods", async () => {
  const pods = await core.listNamespacedPod({ namespace: NS });
  const names = pods.items.map((p) => p.metadata.name);
  expect(names.some((n) => n.startsWith("ai-agent-service-")), `no ai-agent-service pod in ${names}`);
  expect(pods.metadata?.resourceVersion, "the list has no resourceVersion");
  return `${names.length} pods`;
});

await check("list_deployments", async () => {
  const names = (await apps.listNamespacedDeployment({ namespace: NS })).items.map((d) => d.metadata.name);
  expect(names.includes("ai-agent-service"), `ai-agent-service not in ${names}`);
  return `${names.length} deployments: ${names}`;
});

await check("list_namespaces", async () => {
  const names = (await core.listNamespace()).items.map((n) => n.metadata.name);
  for (const want of ["ai-agents", "default", "kube-system"]) {
    expect(names.includes(want), `${want} not in ${names}`);
  }
  return `${names.length} namespaces`;
});

await check("watch_pods", async () => {
  const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: "app=ai-agent-service" });
  expect(pods.items.length > 0, "no ai-agent-service pod to change");
  const pod = pods.items[0].metadata.name;
  const value = `w${SUFFIX}`;
  const seen = [];
  const started = Date.now();
  let controller;
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(
        () => reject(new CheckFailed(`no event with the label set on ${pod} within 20s; saw ${seen.slice(-10)}`)),
        20_000,
      );
      new k8s.Watch(kc)
        .watch(
          `/api/v1/namespaces/${NS}/pods`,
          // From the list's resourceVersion: the change is not lost if it lands first.
          { resourceVersion: pods.metadata.resourceVersion, timeoutSeconds: 20 },
          (type, obj) => {
            seen.push(`${type} ${obj?.metadata?.name}`);
            if (
              (type === "ADDED" || type === "MODIFIED") &&
              obj.metadata.name === pod &&
              obj.metadata.labels?.["smoke-watch"] === value
            ) {
              resolve(`${type} ${pod} after ${(Date.now() - started) / 1000}s (${seen.length} events)`);
            }
          },
          (err) => reject(new CheckFailed(`the watch ended before the event: ${err ?? "no error"}; saw ${seen}`)),
        )
        .then((c) => {
          controller = c;
          // The change, made once the watch is open.
          return core.patchNamespacedPod(
            { name: pod, namespace: NS, body: { metadata: { labels: { "smoke-watch": value } } } },
            patchAs(k8s.PatchStrategy.StrategicMergePatch),
          );
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    controller?.abort();
  }
});

await check("update_conflict", async () => {
  const cm = await core.createNamespacedConfigMap({
    namespace: NS,
    body: { metadata: { name: CM }, data: { step: "created" } },
  });
  const stale = cm.metadata.resourceVersion;
  expect(stale, "the created ConfigMap has no resourceVersion");
  cm.data = { step: "updated" };
  const fresh = await core.replaceNamespacedConfigMap({ name: CM, namespace: NS, body: cm });
  expect(fresh.metadata.resourceVersion !== stale, "an update did not change the resourceVersion");
  cm.data = { step: "stale" };
  cm.metadata.resourceVersion = stale;
  return expectRefused(
    () => core.replaceNamespacedConfigMap({ name: CM, namespace: NS, body: cm }),
    409,
    "Conflict",
    "an update with a stale resourceVersion",
    { step: "updated" },
  );
});

await check("patch_strategic_merge", async () => {
  const dep = await apps.patchNamespacedDeployment(
    {
      name: "ai-agent-service",
      namespace: NS,
      body: { metadata: { annotations: { "smoke/strategic": SUFFIX } } },
    },
    patchAs(k8s.PatchStrategy.StrategicMergePatch),
  );
  const got = dep.metadata.annotations?.["smoke/strategic"];
  expect(got === SUFFIX, `annotation after the patch: ${got}`);
  return "annotation set on deployment ai-agent-service";
});

await check("patch_json_merge", async () => {
  const cm = await core.patchNamespacedConfigMap(
    { name: CM, namespace: NS, body: { data: { merged: "yes", step: null } } },
    patchAs(k8s.PatchStrategy.MergePatch),
  );
  expect(JSON.stringify(cm.data) === '{"merged":"yes"}', `data after the merge patch: ${JSON.stringify(cm.data)}`);
  return `data ${JSON.stringify(cm.data)}`;
});

await check("patch_unknown_field", async () => {
  // A field the kind does not have is dropped, with a warning (fieldValidation Warn, the
  // default): the stored object, read raw (the models would hide it), does not have it.
  const answer = await core.patchNamespacedConfigMapWithHttpInfo(
    { name: CM, namespace: NS, body: { bogus: "x" } },
    patchAs(k8s.PatchStrategy.MergePatch),
  );
  const warning = answer.headers.warning ?? "";
  expect(warning.includes('unknown field \\"bogus\\"'), `Warning header: ${JSON.stringify(warning)}`);
  const raw = await rawGet(`/api/v1/namespaces/${NS}/configmaps/${CM}`);
  expect(!("bogus" in raw), `the unknown field was stored: ${JSON.stringify(raw)}`);
  return `dropped; Warning: ${warning}`;
});

await check("patch_stale_resource_version", async () =>
  // A resourceVersion in a patch is a precondition (optimistic locking without a read):
  // a stale one is 409 Conflict, as for an update.
  expectRefused(
    () =>
      core.patchNamespacedConfigMap(
        { name: CM, namespace: NS, body: { metadata: { resourceVersion: "1" }, data: { merged: "stale" } } },
        patchAs(k8s.PatchStrategy.MergePatch),
      ),
    409,
    "Conflict",
    "a merge patch with a stale resourceVersion",
    { merged: "yes" },
  ),
);

await check("patch_json_patch", async () => {
  const cm = await core.patchNamespacedConfigMap(
    {
      name: CM,
      namespace: NS,
      body: [
        { op: "add", path: "/data/added", value: "1" },
        { op: "remove", path: "/data/merged" },
      ],
    },
    patchAs(k8s.PatchStrategy.JsonPatch),
  );
  expect(JSON.stringify(cm.data) === '{"added":"1"}', `data after the JSON patch: ${JSON.stringify(cm.data)}`);
  return `data ${JSON.stringify(cm.data)}`;
});

await check("patch_json_patch_test_fails", async () => {
  // A `test` guard on the resourceVersion, the usual optimistic-concurrency JSON patch:
  // with a stale one the patch does not apply, and kube-apiserver answers 422 Invalid.
  return expectRefused(
    () =>
      core.patchNamespacedConfigMap(
        {
          name: CM,
          namespace: NS,
          body: [
            { op: "test", path: "/metadata/resourceVersion", value: "1" },
            { op: "add", path: "/data/guarded", value: "yes" },
          ],
        },
        patchAs(k8s.PatchStrategy.JsonPatch),
      ),
    422,
    "Invalid",
    "a JSON patch whose test op fails",
    { added: "1" },
  );
});

await check("scale_subresource", async () => {
  const labels = { app: DEPLOY };
  await apps.createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name: DEPLOY },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } },
      },
    },
  });
  let scale = await apps.readNamespacedDeploymentScale({ name: DEPLOY, namespace: NS });
  expect(scale.spec?.replicas === 1, `scale.spec.replicas ${scale.spec?.replicas}, wanted 1`);
  await apps.patchNamespacedDeploymentScale(
    { name: DEPLOY, namespace: NS, body: { spec: { replicas: 2 } } },
    patchAs(k8s.PatchStrategy.MergePatch),
  );
  let got = (await apps.readNamespacedDeployment({ name: DEPLOY, namespace: NS })).spec.replicas;
  expect(got === 2, `after patching the scale to 2, deployment spec.replicas is ${got}`);
  // A replace carries the resourceVersion read; the deployment controller may update the
  // Deployment in between (409 Conflict), so read again and retry, as clients do.
  let replaced;
  for (let attempt = 1; !replaced; attempt++) {
    scale = await apps.readNamespacedDeploymentScale({ name: DEPLOY, namespace: NS });
    scale.spec.replicas = 3;
    try {
      replaced = await apps.replaceNamespacedDeploymentScale({ name: DEPLOY, namespace: NS, body: scale });
    } catch (e) {
      if (!(e instanceof k8s.ApiException && e.code === 409 && attempt < 5)) throw e;
    }
  }
  expect(replaced.spec?.replicas === 3, `the replaced scale says ${replaced.spec?.replicas}`);
  got = (await apps.readNamespacedDeployment({ name: DEPLOY, namespace: NS })).spec.replicas;
  expect(got === 3, `after replacing the scale with 3, deployment spec.replicas is ${got}`);
  return `1 -> 2 (patch) -> 3 (replace); selector ${scale.status?.selector}`;
});

await check("pod_logs", async () => {
  // A container that has started (the scale above may have just added pods).
  let running = [];
  for (let i = 0; i < 60 && running.length === 0; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 500));
    const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: "app=ai-agent-service" })).items;
    running = pods.filter((p) => p.status?.containerStatuses?.[0]?.state?.running);
  }
  expect(running.length > 0, "no ai-agent-service pod with a running container in 30 s");
  const name = running[0].metadata.name;
  const text = await core.readNamespacedPodLog({ name, namespace: NS, tailLines: 20 });
  expect(typeof text === "string" && text.trim() !== "", `log of ${name}: ${JSON.stringify(text)}`);
  return `${text.split("\n").filter(Boolean).length} lines from ${name}`;
});

// What the deletes answered, for delete_status below.
const deleted = {};

await check("delete", async () => {
  deleted.cm = await core.deleteNamespacedConfigMap({ name: CM, namespace: NS });
  await expect404(() => core.readNamespacedConfigMap({ name: CM, namespace: NS }), `configmap ${CM}`);
  deleted.deploy = await apps.deleteNamespacedDeployment({ name: DEPLOY, namespace: NS });
  await expect404(() => apps.readNamespacedDeployment({ name: DEPLOY, namespace: NS }), `deployment ${DEPLOY}`);
  return `configmap: ${deleted.cm?.kind}; deployment: ${deleted.deploy?.kind}`;
});

await check("delete_status", async () => {
  expect(deleted.cm && deleted.deploy, "the deletes did not both answer");
  expectDeleteStatus(deleted.cm, CM, "", "configmaps");
  expectDeleteStatus(deleted.deploy, DEPLOY, "apps", "deployments");
  return "Status Success with the deleted object's name, group, resource and uid";
});

await check("self_subject_access_review", async () => {
  const review = await authz.createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { namespace: NS, verb: "list", resource: "pods" } } },
  });
  expect(review.status?.allowed === true, `status ${JSON.stringify(review.status)}`);
  return "list pods in ai-agents: allowed";
});

if (failures.length > 0) {
  console.error(`FAILED: ${failures.join(", ")}`);
  process.exit(1);
}
