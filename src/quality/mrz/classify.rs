//! Which of the 37 MRZ characters a cell holds: a small two-layer perceptron.
//!
//! Decides the class probabilities of one normalised cell patch (`PATCH_W × PATCH_H`, ink 1,
//! paper 0). The weights were trained on OCR-B glyphs rendered and degraded by
//! `examples/train_mrz_ocr.rs` and are compiled in from `weights.bin`; regenerate them with
//! `cargo run --release --example train_mrz_ocr`.

use std::sync::OnceLock;

/// Patch width, samples across one character pitch.
pub(crate) const PATCH_W: usize = 12;
/// Patch height, samples over 1.3 character heights.
pub(crate) const PATCH_H: usize = 16;
/// Inputs per patch.
pub const PATCH_LEN: usize = PATCH_W * PATCH_H;
/// Number of classes (see `layout::ALPHABET`).
pub const CLASSES: usize = 37;

const MAGIC: &[u8; 4] = b"MRZ1";

/// A perceptron with one hidden ReLU layer and a softmax output.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    pub(crate) inputs: usize,
    pub(crate) hidden: usize,
    /// Hidden weights, `hidden × inputs`, row-major.
    pub w1: Vec<f32>,
    /// Hidden-layer biases, one per hidden unit.
    pub b1: Vec<f32>,
    /// Output weights, `CLASSES × hidden`, row-major.
    pub w2: Vec<f32>,
    /// Output biases, one per class (`CLASSES`).
    pub b2: Vec<f32>,
}

impl Mlp {
    /// A network of the given shape with every weight zero (the trainer initialises it).
    pub fn zeroed(inputs: usize, hidden: usize) -> Self {
        Mlp {
            inputs,
            hidden,
            w1: vec![0.0; hidden * inputs],
            b1: vec![0.0; hidden],
            w2: vec![0.0; CLASSES * hidden],
            b2: vec![0.0; CLASSES],
        }
    }

    /// The compiled-in network, or `None` when `weights.bin` is malformed.
    pub(crate) fn builtin() -> Option<&'static Mlp> {
        static NET: OnceLock<Option<Mlp>> = OnceLock::new();
        NET.get_or_init(|| Mlp::from_bytes(include_bytes!("weights.bin")))
            .as_ref()
    }

    /// Serialises as `MRZ1`, inputs, hidden, classes (u32 LE), then w1, b1, w2, b2 (f32 LE).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for n in [self.inputs, self.hidden, CLASSES] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        for v in self
            .w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain(&self.b2)
        {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Parses `to_bytes` output; `None` when the shape or length does not match.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Mlp> {
        let (magic, rest) = bytes.split_at_checked(4)?;
        if magic != MAGIC {
            return None;
        }
        let mut words = rest.chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]]);
        let mut dim = || words.next().map(|w| u32::from_le_bytes(w) as usize);
        let (inputs, hidden, classes) = (dim()?, dim()?, dim()?);
        if inputs != PATCH_LEN || classes != CLASSES || hidden == 0 || hidden > 4096 {
            return None;
        }
        let mut net = Mlp::zeroed(inputs, hidden);
        let floats: Vec<f32> = words.map(f32::from_le_bytes).collect();
        let want = net.w1.len() + net.b1.len() + net.w2.len() + net.b2.len();
        if floats.len() != want || floats.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let mut it = floats.into_iter();
        for slot in net
            .w1
            .iter_mut()
            .chain(net.b1.iter_mut())
            .chain(net.w2.iter_mut())
            .chain(net.b2.iter_mut())
        {
            *slot = it.next()?;
        }
        Some(net)
    }

    /// Hidden activations (`hidden` values) of `patch` into `hidden`.
    pub(crate) fn hidden_layer(&self, patch: &[f32], hidden: &mut Vec<f32>) {
        hidden.clear();
        for (row, b) in self.w1.chunks_exact(self.inputs).zip(&self.b1) {
            hidden.push((dot(row, patch) + b).max(0.0));
        }
    }

    /// Class probabilities (summing to 1) of `patch` (`PATCH_LEN` values) into `probs`;
    /// `hidden` is scratch.
    pub fn probabilities(&self, patch: &[f32], hidden: &mut Vec<f32>, probs: &mut [f32; CLASSES]) {
        self.hidden_layer(patch, hidden);
        for ((p, row), b) in probs
            .iter_mut()
            .zip(self.w2.chunks_exact(self.hidden))
            .zip(&self.b2)
        {
            *p = row
                .iter()
                .zip(hidden.iter())
                .map(|(w, h)| w * h)
                .sum::<f32>()
                + b;
        }
        softmax(probs);
    }
}

/// The dot product of two slices (over the shorter length). Eight partial sums, so the compiler
/// can keep them in one vector register: a single running sum would have to be added in order.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    lanes.iter().sum::<f32>() + tail
}

/// In-place softmax.
pub fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    if sum > 0.0 {
        for x in v.iter_mut() {
            *x /= sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f32> = (0..21).map(|i| i as f32 * 0.5).collect();
        let b: Vec<f32> = (0..21).map(|i| 1.0 - i as f32 * 0.1).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-3);
    }

    #[test]
    fn weights_round_trip_and_reject_bad_bytes() {
        let mut net = Mlp::zeroed(PATCH_LEN, 3);
        net.w1[5] = 0.5;
        net.b2[36] = -1.25;
        let bytes = net.to_bytes();
        assert_eq!(Mlp::from_bytes(&bytes), Some(net));
        assert_eq!(Mlp::from_bytes(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Mlp::from_bytes(b"MRZ"), None);
        assert_eq!(Mlp::from_bytes(b"XXXX\0\0\0\0"), None);
    }

    #[test]
    fn the_compiled_in_network_loads() {
        let net = Mlp::builtin().expect("weights.bin parses");
        let mut hidden = Vec::new();
        let mut probs = [0.0; CLASSES];
        net.probabilities(&[0.0; PATCH_LEN], &mut hidden, &mut probs);
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}
