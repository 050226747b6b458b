use std::collections::HashSet;

use super::*;

#[test]
fn each_served_resource_has_one_entry_and_its_own_kinds_type() {
    let mut seen = HashSet::new();
    for k in KINDS {
        let d = &k.def;
        assert!(
            seen.insert((d.group, d.version, d.resource)),
            "{} twice",
            d.gv_path()
        );
        let t = k.typed.as_ref().expect("every served kind has a type");
        assert_eq!((t.api_version, t.kind), (d.api_version().as_str(), d.kind));
        let r = (t.resource)().expect("a resource of its own");
        let row = (r.group, r.version, r.resource, r.namespaced);
        assert_eq!(row, (d.group, d.version, d.resource, d.namespaced));
    }
}

#[test]
fn schema_only_kinds_are_not_served() {
    for s in SCHEMA_ONLY {
        let t = &s.typed;
        assert!(by_kind(t.api_version, t.kind).is_none(), "{}", t.kind);
        assert_eq!(
            typed_of(t.api_version, t.kind).map(|x| x.kind),
            Some(t.kind)
        );
    }
    assert_eq!(typed_kinds().count(), KINDS.len() + SCHEMA_ONLY.len());
}

/// Defaulting goes by kind name: the entries that share one (a kind served in two
/// versions, or as a view) must agree on whether they default.
#[test]
fn entries_sharing_a_kind_name_share_its_defaulting() {
    for a in KINDS {
        for b in KINDS.iter().filter(|b| b.def.kind == a.def.kind) {
            assert_eq!(a.defaults.is_some(), b.defaults.is_some(), "{}", a.def.kind);
        }
    }
    assert!(defaults_of("Deployment").is_some());
    assert!(defaults_of("Scale").is_none());
}

#[test]
fn lookups_read_the_rows() {
    let pods = find("", "v1", "pods").unwrap();
    assert_eq!(pods.kind, "Pod");
    assert!(std::ptr::eq(by_key("pods").unwrap(), pods));
    assert!(std::ptr::eq(by_kind("v1", "Pod").unwrap(), pods));
    assert!(printer(pods).is_some());
    let hpa_v1 = find("autoscaling", "v1", "horizontalpodautoscalers").unwrap();
    assert_eq!(
        by_key(&hpa_v1.key()).unwrap().version,
        "v2",
        "preferred first"
    );
    assert!(printer(find("", "v1", "limitranges").unwrap()).is_none());
    let groups = groups();
    let autoscaling = groups.iter().find(|(g, _)| *g == "autoscaling").unwrap();
    assert_eq!(autoscaling.1, vec!["v2", "v1"]);
    assert_eq!(in_gv("apps", "v1").count(), 5);
}
