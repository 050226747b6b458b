//! `kubectl explain` and field validation with real kubectl (1.33 through the PATH
//! dispatcher, and kubectl.1.27) against the sim with the bundled stack: the sim's
//! OpenAPI v3 and v2 documents, generated from k8s-openapi's schemas, must describe every
//! served kind.

use std::process::Command;

use crate::common::{SimThread, ok, preload, require_tool, run};

const BAD_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  replicass: 2
  selector:
    matchLabels: {app: typo}
  template:
    metadata:
      labels: {app: typo}
    spec:
      containers:
      - name: c
        image: nginx
";

const STRICT_ERROR: &str = "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicass\"";

fn k(sim: &SimThread, bin: &str, args: &[&str]) -> Command {
    let mut c = sim.kubectl(bin);
    c.args(args);
    c
}

/// `explain` of every resource kubectl discovers, by its full name. kubectl reads a name
/// like "events.events.k8s.io" as the core "events" with the field path "events.k8s.io"
/// (the first resource whose group-resource prefixes the name), so such names are explained
/// again with `--api-version`. The metrics.k8s.io ones fail then as on a real cluster:
/// metrics-server serves no OpenAPI v3.
fn explain_every_resource(sim: &SimThread, bin: &str) {
    let names = ok(k(sim, bin, &["api-resources", "-o", "name"]));
    let versions = ok(k(sim, bin, &["api-versions"]));
    let mut explained = 0;
    for name in names.lines().filter(|n| !n.is_empty()) {
        let (mut success, mut out, mut err) = run(k(sim, bin, &["explain", name]));
        if !success
            && err.contains("\" does not exist")
            && let Some((resource, group)) = name.split_once('.')
        {
            let gv = versions
                .lines()
                .find(|v| v.starts_with(&format!("{group}/")))
                .unwrap_or_else(|| panic!("no version of {group} in {versions}"));
            let flag = format!("--api-version={gv}");
            (success, out, err) = run(k(sim, bin, &["explain", resource, &flag]));
            if group == "metrics.k8s.io" {
                assert!(!success, "{bin} explain {resource} {flag}: {out}");
                let want = format!("couldn't find resource for \"{gv}, Resource={resource}\"");
                assert!(err.contains(&want), "{err}");
                continue;
            }
        }
        assert!(success, "{bin} explain {name} failed: {err}");
        assert!(
            out.contains("KIND:") && out.contains("DESCRIPTION:"),
            "{out}"
        );
        assert!(out.contains("FIELDS:"), "{bin} explain {name}: {out}");
        explained += 1;
    }
    assert!(
        explained >= 30,
        "{bin}: only {explained} resources explained"
    );
}

fn explain_fields(sim: &SimThread, bin: &str) {
    let cases: &[(&str, &[&str])] = &[
        (
            "deployment.spec.replicas",
            &[
                "KIND:       Deployment",
                "FIELD: replicas <integer>",
                "Number of desired pods",
            ],
        ),
        (
            "svc.spec.ports",
            &[
                "FIELD: ports <[]ServicePort>",
                "targetPort\t<IntOrString>",
                "-required-",
            ],
        ),
        (
            "hpa.spec.metrics",
            &[
                "VERSION:    v2",
                "FIELD: metrics <[]MetricSpec>",
                "containerResource",
            ],
        ),
        (
            "pod.spec.containers.resources",
            &[
                "FIELD: resources <ResourceRequirements>",
                "limits\t<map[string]Quantity>",
                "requests",
            ],
        ),
    ];
    for (path, wants) in cases {
        let out = ok(k(sim, bin, &["explain", path]));
        for want in *wants {
            assert!(
                out.contains(want),
                "{bin} explain {path}: no {want:?} in\n{out}"
            );
        }
    }
    let out = ok(k(sim, bin, &["explain", "deployment", "--recursive"]));
    for want in [
        "replicas\t<integer>",
        "containers\t<[]Container>",
        "livenessProbe\t<Probe>",
    ] {
        assert!(out.contains(want), "{bin} explain --recursive: no {want:?}");
    }
    assert!(
        out.lines().count() > 500,
        "{bin}: {} lines",
        out.lines().count()
    );
    // The OpenAPI v2 document (protobuf) too.
    let out = ok(k(
        sim,
        bin,
        &[
            "explain",
            "--output=plaintext-openapiv2",
            "deployment.spec.replicas",
        ],
    ));
    assert!(out.contains("FIELD:    replicas <integer>"), "{out}");
}

/// Unknown fields: kubectl leaves field validation to a server that supports it (the
/// documents' PATCH operations list the fieldValidation parameter), so the error is the
/// server's, and a client-side dry run, which never reaches the server, passes as on a real
/// cluster.
fn field_validation(sim: &SimThread, bin: &str) {
    let file = sim.dir.path().join(format!("bad-{bin}.yaml"));
    std::fs::write(&file, BAD_DEPLOYMENT).unwrap();
    let f = file.to_str().unwrap();
    for args in [
        &["apply", "--validate=strict", "--dry-run=server", "-f", f][..],
        &["create", "--validate=true", "--dry-run=server", "-f", f][..],
        &["create", "--validate=strict", "-f", f][..],
    ] {
        let (success, out, err) = run(k(sim, bin, args));
        assert!(!success, "{bin} {args:?}: {out}");
        assert!(err.contains(STRICT_ERROR), "{bin} {args:?}: {err}");
    }
    let out = ok(k(
        sim,
        bin,
        &["create", "--validate=true", "--dry-run=client", "-f", f],
    ));
    assert!(
        out.contains("deployment.apps/typo created (dry run)"),
        "{out}"
    );
    let (success, _, err) = run(k(sim, bin, &["get", "deployment", "typo"]));
    assert!(!success && err.contains("not found"), "{err}");
}

fn explain_and_validate(bin: &str) {
    if !require_tool(bin) {
        return;
    }
    let sim = SimThread::start(preload(1.0));
    explain_fields(&sim, bin);
    explain_every_resource(&sim, bin);
    field_validation(&sim, bin);
}

#[test]
fn kubectl_1_33_explain_and_validation() {
    explain_and_validate("kubectl");
}

#[test]
fn kubectl_1_27_explain_and_validation() {
    explain_and_validate("kubectl.1.27");
}
