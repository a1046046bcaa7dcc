//! The no-colour flag on real phone frames: every MIDV-500 dev frame (colour documents) has colour,
//! and the same frames turned grey (a photocopy look, with a warm cast) do not.

mod common;

use idcap::decode;
use idcap::quality::flags::{NO_COLOUR_SPREAD, SCREEN_PEAK_RATIO, colour_spread, periodic_peak};

#[test]
fn colour_documents_have_colour_and_grey_copies_do_not() {
    let Some(dir) = common::midv::dataset_dir() else {
        eprintln!("dataset missing; skipped");
        return;
    };
    let samples = common::midv::load(&dir);
    assert!(!samples.is_empty());
    let (mut lowest_colour, mut highest_grey) = (f64::INFINITY, 0.0f64);
    for s in &samples {
        let photo = decode::read_file(&s.image).expect("decodes");
        let quad = s.truth_quad();
        let colour = colour_spread(&photo.image, Some(&quad)).expect("measured");
        lowest_colour = lowest_colour.min(colour);
        // A grey copy photographed under warm light: luma with a red/yellow cast.
        let mut grey = photo.image.clone();
        for p in grey.pixels_mut() {
            let [r, g, b] = p.0;
            let y = (0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)).min(235.0);
            p.0 = [(y * 1.08) as u8, y as u8, (y * 0.88) as u8];
        }
        let g = colour_spread(&grey, Some(&quad)).expect("measured");
        highest_grey = highest_grey.max(g);
        assert!(
            colour > NO_COLOUR_SPREAD,
            "{}: colour spread {colour:.2}",
            s.id
        );
        assert!(g < NO_COLOUR_SPREAD, "{}: grey spread {g:.2}", s.id);
    }
    eprintln!(
        "colour spread: lowest colour frame {lowest_colour:.2}, highest grey copy {highest_grey:.2}, threshold {NO_COLOUR_SPREAD}"
    );
}

#[test]
fn printed_documents_show_no_screen_grid_and_a_screen_grid_is_seen() {
    let Some(dir) = common::midv::dataset_dir() else {
        eprintln!("dataset missing; skipped");
        return;
    };
    let (mut highest_print, mut lowest_screen) = (0.0f64, f64::INFINITY);
    for (i, s) in common::midv::load(&dir).iter().enumerate() {
        let photo = decode::read_file(&s.image).expect("decodes");
        let quad = s.truth_quad();
        let print = periodic_peak(&photo.image, Some(&quad)).expect("measured");
        highest_print = highest_print.max(print);
        assert!(print < SCREEN_PEAK_RATIO, "{}: peak {print:.0}", s.id);
        if i % 6 != 0 {
            continue;
        }
        // The same frame as if shown on a screen: a ±10 % pixel grid, 4.3 px pitch, turned 3°,
        // saved as JPEG.
        let mut screen = photo.image.clone();
        let (st, ct) = 3f32.to_radians().sin_cos();
        for (x, y, px) in screen.enumerate_pixels_mut() {
            let (xf, yf) = (x as f32, y as f32);
            let a = (2.0 * std::f32::consts::PI * (xf * ct + yf * st) / 4.3).cos();
            let b = (2.0 * std::f32::consts::PI * (-xf * st + yf * ct) / 4.3).cos();
            let m = (0.9 + 0.1 * a) * (0.9 + 0.1 * b);
            for c in &mut px.0 {
                *c = (f32::from(*c) * m).clamp(0.0, 255.0) as u8;
            }
        }
        let mut bytes = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 88);
        screen.write_with_encoder(enc).expect("encode");
        let back = decode::decode_bytes(&bytes).expect("decodes").image;
        let peak = periodic_peak(&back, Some(&quad)).expect("measured");
        lowest_screen = lowest_screen.min(peak);
        assert!(
            peak > SCREEN_PEAK_RATIO,
            "{} on a screen: peak {peak:.0}",
            s.id
        );
    }
    eprintln!(
        "periodic peak: highest printed document {highest_print:.0}, lowest screen grid {lowest_screen:.0}, threshold {SCREEN_PEAK_RATIO}"
    );
}
