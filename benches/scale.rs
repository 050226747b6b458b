//! Cost at 50,000 pods in one namespace: applying one pod's watch event to the snapshot
//! (projecting the pod, updating its workload, building the snapshot the dashboard gets),
//! drawing a full 200×50 frame of the dashboard, and of the drill-down into a workload of
//! 50,000 pods.

// A benchmark stops at the first failure: unwrap says where.
#![allow(clippy::unwrap_used)]

mod common;

use agentdeck::app::{Msg, update};
use agentdeck::cluster::snapshot::{self, pod_index::PodEntry, pod_index::PodIndex};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const PODS: usize = 50_000;
/// As the sim's load namespaces have.
const DEPLOYS: usize = 4;

fn bench(c: &mut Criterion) {
    let (d, r, p) = common::objects(PODS, DEPLOYS);
    let objects = snapshot::Objects {
        deployments: d.iter().collect(),
        replicasets: r.iter().collect(),
        ..Default::default()
    };
    let mut index: PodIndex = p.iter().collect();
    let _ = snapshot::build_with("ctx", "ns", &objects, &mut index);
    let mut restarts = 0;
    c.bench_function("apply_one_pod_event_50000_pods", |b| {
        b.iter(|| {
            restarts += 1;
            let changed = common::pod("worker-1", 17, restarts);
            index.apply(PodEntry::from_pod(&changed));
            snapshot::build_with("ctx", "ns", &objects, &mut index)
        })
    });

    let app = common::app(snapshot::build_with("ctx", "ns", &objects, &mut index));
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("draw_full_frame_200x50_50000_pods", |b| {
        b.iter(|| term.draw(|f| agentdeck::ui::draw(f, &app)).unwrap().area)
    });

    // One workload of 50,000 pods, drilled into, the selection half way down.
    let (d, r, p) = common::objects(PODS, 1);
    let objects = snapshot::Objects {
        deployments: d.iter().collect(),
        replicasets: r.iter().collect(),
        pods: p.iter().collect(),
        ..Default::default()
    };
    let mut app = common::app(snapshot::build("ctx", "ns", &objects));
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let _ = update(&mut app, key(KeyCode::Enter));
    for _ in 0..25_000 {
        let _ = update(&mut app, key(KeyCode::Down));
    }
    c.bench_function("draw_pods_drilldown_200x50_50000_pods", |b| {
        b.iter(|| term.draw(|f| agentdeck::ui::draw(f, &app)).unwrap().area)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
