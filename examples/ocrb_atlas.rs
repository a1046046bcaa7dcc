//! Regenerates `src/camera/ocrb_atlas.bin`, the OCR-B glyph atlas the demo camera draws its
//! specimen MRZ with (so the app never reads a font at run time):
//!
//! ```text
//! cargo run --example ocrb_atlas            # needs Debian's fonts-ocr-b
//! ```
//!
//! Layout (`camera::mrz_specimen` reads it): the 37 MRZ characters in `quality::mrz::layout::
//! ALPHABET` order, each a `CELL_W × CELL_H` coverage map (0–255, row-major); a cell is one
//! character pitch wide, with the capitals `CAP_PX` tall standing on `BASELINE_PX`.

use ab_glyph::{Font, FontVec, PxScale, point};
use idcap::camera::mrz_specimen::{BASELINE_PX, CAP_PX, CELL_H, CELL_W};
use idcap::quality::mrz::layout::ALPHABET;

const FONT: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
const OUT: &str = "src/camera/ocrb_atlas.bin";

fn main() {
    let bytes =
        std::fs::read(FONT).unwrap_or_else(|e| panic!("{FONT}: {e} (apt-get install fonts-ocr-b)"));
    let font = FontVec::try_from_vec(bytes).expect("OCRB.otf is a font");
    let zero = font.glyph_id('0');
    let cap_units = font
        .outline(zero)
        .map_or(700.0, |o| o.bounds.height().abs());
    let px_per_unit = CAP_PX as f32 / cap_units;
    let scale = PxScale::from(px_per_unit * font.height_unscaled());
    let advance = font.h_advance_unscaled(zero) * px_per_unit;
    let mut atlas = vec![0u8; ALPHABET.len() * CELL_W * CELL_H];
    for (k, &c) in ALPHABET.iter().enumerate() {
        let cell = &mut atlas[k * CELL_W * CELL_H..(k + 1) * CELL_W * CELL_H];
        let x = (CELL_W as f32 - advance) / 2.0;
        let glyph = font
            .glyph_id(char::from(c))
            .with_scale_and_position(scale, point(x, BASELINE_PX as f32));
        let Some(outline) = font.outline_glyph(glyph) else {
            continue;
        };
        let b = outline.px_bounds();
        outline.draw(|gx, gy, coverage| {
            let (px, py) = (
                b.min.x as i64 + i64::from(gx),
                b.min.y as i64 + i64::from(gy),
            );
            if (0..CELL_W as i64).contains(&px) && (0..CELL_H as i64).contains(&py) {
                let i = py as usize * CELL_W + px as usize;
                let v = (f32::from(cell[i]) + coverage * 255.0).min(255.0);
                cell[i] = v as u8;
            }
        });
    }
    std::fs::write(OUT, &atlas).unwrap_or_else(|e| panic!("{OUT}: {e}"));
    println!("{OUT}: {} glyphs, {} bytes", ALPHABET.len(), atlas.len());
}
