//! The printers of storage and quota: persistent volumes and claims, storage classes and
//! resource quotas (printPersistentVolume, printPersistentVolumeClaim, printStorageClass,
//! printResourceQuota).

use jiff::Timestamp;
use serde_json::Value;

use super::*;

// Column descriptions: the swagger docs of k8s.io/api v0.33 core/v1 and storage/v1.
const PV_CAPACITY_DESC: &str = "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity";
const PV_MODES_DESC: &str = "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes";
const PV_RECLAIM_DESC: &str = "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming";
const PV_STATUS_DESC: &str = "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase";
const PV_CLAIM_DESC: &str = "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding";
const PV_REASON_DESC: &str = "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.";
const PV_MODE_DESC: &str = "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.";
const PVC_STATUS_DESC: &str = "phase represents the current phase of PersistentVolumeClaim.";
const PVC_VOLUME_DESC: &str =
    "volumeName is the binding reference to the PersistentVolume backing this claim.";
const PVC_CAPACITY_DESC: &str =
    "capacity represents the actual resources of the underlying volume.";
const PVC_MODES_DESC: &str = "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1";
const PVC_MODE_DESC: &str = "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.";
const SC_PROVISIONER_DESC: &str = "provisioner indicates the type of the provisioner.";
const SC_RECLAIM_DESC: &str = "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.";
const SC_BINDING_DESC: &str = "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.";
const SC_EXPANSION_DESC: &str =
    "allowVolumeExpansion shows whether the storage class allow volume expand.";
const RQ_REQUEST_DESC: &str =
    "Request represents a minimum amount of cpu/memory that a container may consume.";
const RQ_LIMIT_DESC: &str = "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.";

const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// A quantity from a resource list, "0" (the zero Quantity) when absent.
fn qty_or_zero(list: &Value, key: &str) -> String {
    match list.get(key) {
        None | Some(Value::Null) => "0".into(),
        Some(v) => qty(v),
    }
}

/// helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, comma-joined.
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|x| x.as_str() == Some(m));
    let all = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    let short: Vec<&str> = all.iter().filter(|m| has(m.0)).map(|m| m.1).collect();
    short.join(",")
}

/// The storage class of a volume or claim: the beta annotation wins over the field.
fn storage_class(obj: &Value) -> Value {
    let annotations = g(obj, "metadata.annotations");
    match annotations
        .get(BETA_CLASS_ANNOTATION)
        .and_then(Value::as_str)
    {
        Some(class) => class.into(),
        None => s(obj, "spec.storageClassName").into(),
    }
}

/// The phase of a volume or claim, `Terminating` while it is being deleted.
fn phase(obj: &Value) -> Value {
    if g(obj, "metadata.deletionTimestamp").is_null() {
        s(obj, "status.phase").into()
    } else {
        "Terminating".into()
    }
}

/// An optional string field, `<unset>` when missing.
fn or_unset(v: &Value) -> Value {
    v.as_str().unwrap_or("<unset>").into()
}

/// printPersistentVolume: CAPACITY, ACCESS MODES, RECLAIM POLICY, STATUS, CLAIM,
/// STORAGECLASS, VOLUMEATTRIBUTESCLASS, REASON, AGE, VOLUMEMODE.
pub(super) fn pv_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let spec = g(obj, "spec");
    let claim = match g(spec, "claimRef") {
        r if r.is_object() => format!("{}/{}", s(r, "namespace"), s(r, "name")),
        _ => String::new(),
    };
    vec![
        name,
        qty_or_zero(g(spec, "capacity"), "storage").into(),
        access_modes(arr(spec, "accessModes")).into(),
        s(spec, "persistentVolumeReclaimPolicy").into(),
        phase(obj),
        claim.into(),
        storage_class(obj),
        or_unset(g(spec, "volumeAttributesClassName")),
        s(obj, "status.reason").into(),
        age,
        or_unset(g(spec, "volumeMode")),
    ]
}

/// printPersistentVolumeClaim: STATUS, VOLUME, CAPACITY, ACCESS MODES, STORAGECLASS,
/// VOLUMEATTRIBUTESCLASS, AGE, VOLUMEMODE. Capacity and access modes come from the status,
/// and only once the claim names its volume.
pub(super) fn pvc_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let (spec, status) = (g(obj, "spec"), g(obj, "status"));
    let volume = s(spec, "volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            qty_or_zero(g(status, "capacity"), "storage"),
            access_modes(arr(status, "accessModes")),
        )
    };
    vec![
        name,
        phase(obj),
        volume.into(),
        capacity.into(),
        modes.into(),
        storage_class(obj),
        or_unset(g(spec, "volumeAttributesClassName")),
        age,
        or_unset(g(spec, "volumeMode")),
    ]
}

/// storageutil.IsDefaultAnnotation: the GA or the beta is-default-class annotation is "true".
fn is_default_class(obj: &Value) -> bool {
    let annotations = g(obj, "metadata.annotations");
    [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations.get(*k).and_then(Value::as_str) == Some("true"))
}

/// printStorageClass: NAME (with " (default)"), PROVISIONER, RECLAIMPOLICY,
/// VOLUMEBINDINGMODE, ALLOWVOLUMEEXPANSION (a boolean), AGE.
pub(super) fn storageclass_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let age = age(obj, now);
    let mut name = s(obj, "metadata.name").to_string();
    if is_default_class(obj) {
        name.push_str(" (default)");
    }
    let or = |f: &str, dflt: &'static str| Value::from(g(obj, f).as_str().unwrap_or(dflt));
    vec![
        name.into(),
        s(obj, "provisioner").into(),
        or("reclaimPolicy", "Delete"),
        or("volumeBindingMode", "Immediate"),
        yes(obj, "allowVolumeExpansion").into(),
        age,
    ]
}

/// printResourceQuota: REQUEST and LIMIT ("resource: used/hard" for each hard resource,
/// sorted; `limits.*` go to LIMIT), AGE.
pub(super) fn resourcequota_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (name, age) = name_age(obj, now);
    let (hard, used) = (g(obj, "status.hard"), g(obj, "status.used"));
    let mut resources: Vec<&String> = hard
        .as_object()
        .into_iter()
        .flatten()
        .map(|e| e.0)
        .collect();
    resources.sort();
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for r in resources {
        let text = format!("{r}: {}/{}", qty_or_zero(used, r), qty_or_zero(hard, r));
        let is_limit = r.split_once('.').is_some_and(|(head, _)| head == "limits");
        if is_limit { &mut limit } else { &mut request }.push(text);
    }
    vec![
        name,
        request.join(", ").into(),
        limit.join(", ").into(),
        age,
    ]
}

// ------------------------------------------------------------------------------ printers

/// printPersistentVolume.
#[rustfmt::skip]
pub const PERSISTENT_VOLUME: Printer = Printer::new(&[NAME, ("Capacity", S, 0, PV_CAPACITY_DESC), ("Access Modes", S, 0, PV_MODES_DESC), ("Reclaim Policy", S, 0, PV_RECLAIM_DESC),
    ("Status", S, 0, PV_STATUS_DESC), ("Claim", S, 0, PV_CLAIM_DESC), ("StorageClass", S, 0, "StorageClass of the pv"),
    ("VolumeAttributesClass", S, 0, "VolumeAttributesClass of the pv"), ("Reason", S, 0, PV_REASON_DESC), AGE, ("VolumeMode", S, 1, PV_MODE_DESC)],
    pv_cells);

/// printPersistentVolumeClaim.
#[rustfmt::skip]
pub const PERSISTENT_VOLUME_CLAIM: Printer = Printer::new(&[NAME, ("Status", S, 0, PVC_STATUS_DESC), ("Volume", S, 0, PVC_VOLUME_DESC), ("Capacity", S, 0, PVC_CAPACITY_DESC),
    ("Access Modes", S, 0, PVC_MODES_DESC), ("StorageClass", S, 0, "StorageClass of the pvc"),
    ("VolumeAttributesClass", S, 0, "VolumeAttributesClass of the pvc"), AGE, ("VolumeMode", S, 1, PVC_MODE_DESC)],
    pvc_cells);

/// printStorageClass.
#[rustfmt::skip]
pub const STORAGE_CLASS: Printer = Printer::new(&[NAME, ("Provisioner", S, 0, SC_PROVISIONER_DESC), ("ReclaimPolicy", S, 0, SC_RECLAIM_DESC),
    ("VolumeBindingMode", S, 0, SC_BINDING_DESC), ("AllowVolumeExpansion", S, 0, SC_EXPANSION_DESC), AGE],
    storageclass_cells);

/// printResourceQuota.
#[rustfmt::skip]
pub const RESOURCE_QUOTA: Printer = Printer::new(&[NAME, ("Request", S, 0, RQ_REQUEST_DESC), ("Limit", S, 0, RQ_LIMIT_DESC), AGE],
    resourcequota_cells);
