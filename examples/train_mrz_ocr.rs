//! Trains the MRZ character classifier and writes src/quality/mrz/weights.bin.
//!
//! `cargo run --release --example train_mrz_ocr` (needs fonts-ocr-b). Deterministic: a fixed
//! seed renders synthetic documents in OCR-B (tests/common/ocrb.rs), photographs them with
//! perspective, blur, noise and JPEG, rectifies them as the app does, cuts the zone with the
//! reader's own segmentation and labels each cell with the character it truly holds. A
//! perceptron with one hidden layer is then fitted by plain SGD with momentum.

#[path = "../tests/common/ocrb.rs"]
mod ocrb;

use idcap::quality::mrz::classify::{CLASSES, Mlp, PATCH_LEN, softmax};
use idcap::quality::mrz::layout::ALPHABET;
use idcap::quality::mrz::{DocView, MrzFormat, MrzReader};
use idcap::quality::rectify::Rectified;
use ocrb::{Degrade, Rng};

const SEED: u64 = 0x4D52_5A5F_4F43_5231;
const DOCUMENTS: usize = 640;
const HIDDEN: usize = 96;
const EPOCHS: usize = 12;
const BATCH: usize = 32;
const RATE: f32 = 0.03;

fn main() {
    let font = ocrb::load_font();
    let mut rng = Rng(SEED);
    let mut reader = MrzReader::default();
    let mut doc = Rectified::default();
    let (mut xs, mut ys): (Vec<f32>, Vec<u8>) = (Vec::new(), Vec::new());
    let mut skipped = 0;
    // Harder than the acceptance test, so the test's range sits inside what was learnt.
    let degrade = Degrade {
        max_blur: 1.5,
        max_noise: 9.0,
        min_jpeg: 45,
        max_quad_error: 3.0,
    };
    for i in 0..DOCUMENTS {
        let format = [
            MrzFormat::Td3,
            MrzFormat::Td3,
            MrzFormat::Td1,
            MrzFormat::Td2,
        ][i % 4];
        let frame = if i % 3 == 0 {
            (1920, 1080)
        } else {
            (1280, 720)
        };
        let fill = rng.range(0.4, 0.92);
        let s = ocrb::scene(&font, &mut rng, format, frame, fill, &degrade);
        doc.build(&s.frame, &s.quad, s.kind, s.frame.width(), s.frame.height());
        let Some(lines) = reader.cut_as(DocView::from_rectified(&doc), format) else {
            skipped += 1;
            continue;
        };
        for (cells, text) in lines.iter().zip(&s.zone) {
            for (k, b) in text.bytes().enumerate() {
                let (Some(patch), Some(label)) =
                    (cells.patch(k), ALPHABET.iter().position(|&a| a == b))
                else {
                    continue;
                };
                xs.extend_from_slice(patch);
                ys.push(label as u8);
            }
        }
        if (i + 1) % 100 == 0 {
            eprintln!(
                "{} documents rendered, {} cells, {skipped} not located",
                i + 1,
                ys.len()
            );
        }
    }
    let n = ys.len();
    // Every tenth cell is held out to report accuracy.
    let (train, held): (Vec<usize>, Vec<usize>) = (0..n).partition(|i| i % 10 != 0);
    let mut net = Mlp::zeroed(PATCH_LEN, HIDDEN);
    let init = |rng: &mut Rng, v: &mut [f32], fan_in: usize, fan_out: usize| {
        let a = (6.0 / (fan_in + fan_out) as f64).sqrt();
        for w in v.iter_mut() {
            *w = rng.range(-a, a) as f32;
        }
    };
    init(&mut rng, &mut net.w1, PATCH_LEN, HIDDEN);
    init(&mut rng, &mut net.w2, HIDDEN, CLASSES);
    let mut velocity = Mlp::zeroed(PATCH_LEN, HIDDEN);
    let mut grad = Mlp::zeroed(PATCH_LEN, HIDDEN);
    let mut order = train.clone();
    let (mut hidden, mut pre, mut probs) = (Vec::new(), vec![0f32; HIDDEN], [0f32; CLASSES]);
    for epoch in 0..EPOCHS {
        // Fisher–Yates with the fixed generator.
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let rate = RATE * 0.5 * (1.0 + (std::f32::consts::PI * epoch as f32 / EPOCHS as f32).cos());
        let mut loss = 0.0f64;
        for batch in order.chunks(BATCH) {
            zero(&mut grad);
            for &i in batch {
                let x = &xs[i * PATCH_LEN..(i + 1) * PATCH_LEN];
                let y = usize::from(ys[i]);
                // Forward, keeping the pre-activations.
                for (j, (row, b)) in net.w1.chunks_exact(PATCH_LEN).zip(&net.b1).enumerate() {
                    pre[j] = row.iter().zip(x).map(|(w, v)| w * v).sum::<f32>() + b;
                }
                hidden.clear();
                hidden.extend(pre.iter().map(|v| v.max(0.0)));
                for (c, (row, b)) in net.w2.chunks_exact(HIDDEN).zip(&net.b2).enumerate() {
                    probs[c] = row.iter().zip(&hidden).map(|(w, h)| w * h).sum::<f32>() + b;
                }
                softmax(&mut probs);
                loss -= f64::from(probs[y].max(1e-9).ln());
                // Backward.
                probs[y] -= 1.0;
                let mut dh = vec![0f32; HIDDEN];
                for (c, &d) in probs.iter().enumerate() {
                    grad.b2[c] += d;
                    let row = &mut grad.w2[c * HIDDEN..(c + 1) * HIDDEN];
                    let weights = &net.w2[c * HIDDEN..(c + 1) * HIDDEN];
                    for (((g, h), dhj), w) in row.iter_mut().zip(&hidden).zip(&mut dh).zip(weights)
                    {
                        *g += d * h;
                        *dhj += d * w;
                    }
                }
                for (j, (&p, &dhj)) in pre.iter().zip(&dh).enumerate() {
                    if p <= 0.0 {
                        continue;
                    }
                    grad.b1[j] += dhj;
                    let row = &mut grad.w1[j * PATCH_LEN..(j + 1) * PATCH_LEN];
                    for (g, v) in row.iter_mut().zip(x) {
                        *g += dhj * v;
                    }
                }
            }
            let scale = 1.0 / batch.len() as f32;
            step(&mut net, &mut velocity, &grad, rate * scale);
        }
        let acc = accuracy(&net, &xs, &ys, &held);
        eprintln!(
            "epoch {epoch}: loss {:.4}, held-out accuracy {:.3} %",
            loss / train.len() as f64,
            100.0 * acc
        );
    }
    let out = concat!(env!("CARGO_MANIFEST_DIR"), "/src/quality/mrz/weights.bin");
    std::fs::write(out, net.to_bytes()).expect("write weights.bin");
    eprintln!("{n} cells from {DOCUMENTS} documents ({skipped} not located); wrote {out}");
}

fn zero(net: &mut Mlp) {
    for v in [&mut net.w1, &mut net.b1, &mut net.w2, &mut net.b2] {
        v.fill(0.0);
    }
}

/// Momentum SGD with a little weight decay.
fn step(net: &mut Mlp, vel: &mut Mlp, grad: &Mlp, rate: f32) {
    let pairs = [
        (&mut net.w1, &mut vel.w1, &grad.w1),
        (&mut net.b1, &mut vel.b1, &grad.b1),
        (&mut net.w2, &mut vel.w2, &grad.w2),
        (&mut net.b2, &mut vel.b2, &grad.b2),
    ];
    for (w, v, g) in pairs {
        for ((w, v), g) in w.iter_mut().zip(v.iter_mut()).zip(g) {
            *v = 0.9 * *v - rate * (g + 1e-4 * *w);
            *w += *v;
        }
    }
}

fn accuracy(net: &Mlp, xs: &[f32], ys: &[u8], idx: &[usize]) -> f64 {
    let (mut hidden, mut probs) = (Vec::new(), [0f32; CLASSES]);
    let right = idx
        .iter()
        .filter(|&&i| {
            net.probabilities(
                &xs[i * PATCH_LEN..(i + 1) * PATCH_LEN],
                &mut hidden,
                &mut probs,
            );
            let best = (0..CLASSES)
                .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
                .unwrap_or(0);
            best == usize::from(ys[i])
        })
        .count();
    right as f64 / idx.len().max(1) as f64
}
