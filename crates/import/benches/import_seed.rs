//! Benchmark: importing the seed (Alessandria 2021, 44 cards). Target: median under 20 ms.
//! Run with `cargo bench -p import`; the seed is read from `PEGASO_SEED_DIR` or
//! `../shared/seeds` beside the repository.

// A benchmark is a program: it tells on stderr when it has nothing to measure.
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn seed() -> Option<String> {
    let dir = std::env::var_os("PEGASO_SEED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"));
    std::fs::read_to_string(dir.join("piano-performance-alessandria-2021.txt")).ok()
}

fn import_seed(c: &mut Criterion) {
    let Some(text) = seed() else {
        eprintln!("SKIPPED: the seed is not on this machine; set PEGASO_SEED_DIR");
        return;
    };
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("seed_alessandria_2021", |b| {
        b.iter(|| import::import_text(black_box(&text)))
    });
    group.bench_function("seed_to_json", |b| {
        b.iter(|| {
            serde_json::to_string(&import::import_text(black_box(&text)).plan).map(|s| s.len())
        })
    });
    group.finish();
}

criterion_group!(benches, import_seed);
criterion_main!(benches);
