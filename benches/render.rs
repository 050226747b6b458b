//! Rendering cost with 5,000 pods: building the cluster snapshot from the watched objects,
//! and drawing a full 200×50 frame on a TestBackend.

// A benchmark stops at the first failure: unwrap says where.
#![allow(clippy::unwrap_used)]

mod common;

use agentdeck::cluster::snapshot;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PODS: usize = 5000;
const DEPLOYS: usize = 20;

fn bench(c: &mut Criterion) {
    let (d, r, p) = common::objects(PODS, DEPLOYS);
    let objects = snapshot::Objects {
        deployments: d.iter().collect(),
        replicasets: r.iter().collect(),
        pods: p.iter().collect(),
        ..Default::default()
    };
    c.bench_function("snapshot_build_5000_pods", |b| {
        b.iter(|| snapshot::build("ctx", "ns", &objects))
    });

    let app = common::app(snapshot::build("ctx", "ns", &objects));
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("draw_full_frame_200x50_5000_pods", |b| {
        b.iter(|| term.draw(|f| agentdeck::ui::draw(f, &app)).unwrap().area)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
