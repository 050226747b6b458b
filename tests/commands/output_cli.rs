//! kubectl-style output of the real binary against the sim: `status -o json|yaml|wide`
//! (`--json` kept), kubectl's refusal of an unknown format, `deploy --dry-run -o yaml` as a
//! YAML stream of the objects and nothing else, and `-o json` results of the operations
//! that scripts can chain — with the API key nowhere in them.

use crate::common;

use crate::common::SimProcess;
use serde_json::Value;

fn json(out: &str, err: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\n{err}"))
}

#[test]
fn status_prints_json_yaml_and_wide_and_refuses_other_formats() {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let (code, out, err) = sim.agentdeck(&["status", "-o", "json"], "");
    assert!(matches!(code, 0 | 1), "{err}");
    let v = json(&out, &err);
    assert_eq!(v["namespace"], "ai-agents");
    assert!(v["workloads"].is_array() && v["problems"].is_array(), "{v}");
    let (_, alias, _) = sim.agentdeck(&["status", "--json"], "");
    let a = json(&alias, "");
    assert_eq!(a["namespace"], v["namespace"]);
    assert_eq!(a.as_object().unwrap().len(), v.as_object().unwrap().len());

    let (_, out, err) = sim.agentdeck(&["status", "--output=yaml"], "");
    let y: Value = serde_yaml_ng::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    assert_eq!(y["context"], "agentdeck-sim");

    let (_, wide, err) = sim.agentdeck(&["status", "-o", "wide"], "");
    let header = wide.lines().nth(1).unwrap_or_default();
    for col in [
        "KIND",
        "NAME",
        "READY",
        "RUNNING",
        "RESTARTS",
        "OOMKILLED",
        "HPA",
    ] {
        assert!(header.contains(col), "{col} in {header:?}\n{err}");
    }
    assert!(
        wide.lines().any(|l| l.starts_with("Deployment")
            && l.contains("ai-agent-service")
            && l.contains("ai-agent-hpa")),
        "{wide}"
    );
    assert!(wide.contains("hpa ai-agent-hpa: "), "the HPA line: {wide}");
    assert!(wide.contains("status: "), "the verdict: {wide}");

    let (code, out, err) = sim.agentdeck(&["status", "-o", "table"], "");
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(
            "unable to match a printer suitable for the output format \"table\", allowed formats are: json,yaml,wide"
        ),
        "{err}"
    );
    let (code, _, err) = sim.agentdeck(&["status", "--json", "-o", "yaml"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--json") && err.contains("--output"), "{err}");
    let (code, _, err) = sim.agentdeck(&["restart", "redis", "-o", "wide"], "");
    assert_eq!(code, 2);
    assert!(err.contains("allowed formats are: json,yaml"), "{err}");
}

#[test]
fn deploy_dry_run_prints_the_objects_as_a_yaml_stream_only() {
    let sim = SimProcess::start(&["--time-scale", "4"]);
    let (code, out, err) = sim.agentdeck(&["deploy", "--dry-run", "-o", "yaml"], "");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with("apiVersion: ") || out.starts_with("kind: "),
        "{out}"
    );
    assert!(
        !out.contains("plan (server-side dry run)"),
        "the plan goes to stderr"
    );
    assert!(err.contains("plan (server-side dry run)"), "{err}");
    let docs: Vec<Value> = out
        .split("\n---\n")
        .map(|d| serde_yaml_ng::from_str(d).unwrap_or_else(|e| panic!("{e}: {d}")))
        .collect();
    let names: Vec<String> = docs
        .iter()
        .map(|d| {
            format!(
                "{}/{}",
                d["kind"].as_str().unwrap(),
                d["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "Namespace/ai-agents",
        "Deployment/ai-agent-service",
        "NetworkPolicy/allow-holysheep-api",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    // A dry run wrote nothing.
    let ns = common::http(&sim.url, "GET", "/api/v1/namespaces/ai-agents", "");
    assert!(ns.contains("NotFound"), "{ns}");

    let (code, out, err) = sim.agentdeck(&["deploy", "--dry-run", "-o", "json"], "");
    assert_eq!(code, 0, "{err}");
    let list = json(&out, &err);
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"].as_array().unwrap().len(), docs.len());

    // The apply itself: one result object, the plan and progress on stderr.
    let (code, out, err) = sim.agentdeck(&["deploy", "--yes", "-o", "json"], "");
    assert_eq!(code, 0, "{out}\n{err}");
    let v = json(&out, &err);
    assert_eq!(v["operation"], "deploy");
    assert_eq!(v["object"], "stack");
    assert_eq!(v["outcome"], "done");
    assert!(
        v["message"].as_str().unwrap().starts_with("deployed: "),
        "{v}"
    );
    assert!(err.contains("plan (server-side dry run)"), "{err}");
}

#[test]
#[allow(clippy::too_many_lines)] // a scenario: one session, read top to bottom
fn operations_print_their_result_as_one_json_object() {
    let sim = SimProcess::start(&["--preload", "--time-scale", "10"]);
    let (code, out, err) = sim.agentdeck(
        &[
            "scale",
            "redis",
            "2",
            "--yes",
            "--timeout",
            "60s",
            "-o",
            "json",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let v = json(&out, &err);
    assert_eq!(v["operation"], "scale");
    assert_eq!(v["object"], "deployment/redis");
    assert_eq!(v["namespace"], "ai-agents");
    assert_eq!(v["context"], "agentdeck-sim");
    assert_eq!(v["outcome"], "done");
    assert!(
        v["message"].as_str().unwrap().contains("scaled to 2"),
        "{v}"
    );
    // Already 2: nothing written, said as `unchanged` (as the README documents).
    let (code, out, err) = sim.agentdeck(&["scale", "redis", "2", "--yes", "-o", "json"], "");
    assert_eq!(code, 0, "{err}");
    let v = json(&out, &err);
    assert_eq!(v["outcome"], "unchanged", "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("already has 2 replicas"),
        "{v}"
    );

    let (code, out, err) = sim.agentdeck(&["restart", "redis", "--yes", "-o", "yaml"], "");
    assert_eq!(code, 0, "{err}");
    let y: Value = serde_yaml_ng::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(y["operation"], "restart");
    assert_eq!(y["outcome"], "done");

    let (code, out, err) = sim.agentdeck(
        &[
            "set-resources",
            "redis",
            "--memory-limit",
            "300Mi",
            "--no-wait",
            "--yes",
            "-o",
            "json",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let v = json(&out, &err);
    assert_eq!(v["operation"], "set-resources");
    assert_eq!(v["outcome"], "done");
    let (code, out, err) = sim.agentdeck(
        &[
            "set-resources",
            "redis",
            "--memory-limit",
            "300Mi",
            "--no-wait",
            "--yes",
            "-o",
            "json",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out, &err)["outcome"], "unchanged");

    let key = "sk-output-test-5f2a9c1e7b3d4a60";
    let (code, out, err) = sim.agentdeck(
        &[
            "rotate-key",
            "--from-stdin",
            "--yes",
            "--timeout",
            "90s",
            "-o",
            "json",
        ],
        key,
    );
    assert!(
        !out.contains(key) && !err.contains(key),
        "the key leaked:\n{out}\n{err}"
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let v = json(&out, &err);
    assert_eq!(v["operation"], "rotate-key");
    assert_eq!(v["object"], "secret/ai-api-keys");
    assert_eq!(v["outcome"], "done");

    let pods = common::http(
        &sim.url,
        "GET",
        "/api/v1/namespaces/ai-agents/pods?labelSelector=app%3Dredis",
        "",
    );
    let pods: Value = serde_json::from_str(&pods).unwrap();
    let pod = pods["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, out, err) = sim.agentdeck(&["delete", "pod", &pod, "--yes", "-o", "json"], "");
    assert_eq!(code, 0, "{err}");
    let v = json(&out, &err);
    assert_eq!(v["operation"], "delete-pod");
    assert_eq!(v["object"], format!("pod/{pod}"));
    assert_eq!(v["outcome"], "done");
}
