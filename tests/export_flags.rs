//! The no-colour flag on real phone frames: every MIDV-500 dev frame (colour documents) has colour,
//! and the same frames turned grey (a photocopy look, with a warm cast) do not.

mod common;

use idcap::decode;
use idcap::quality::flags::{NO_COLOUR_SPREAD, colour_spread};

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
