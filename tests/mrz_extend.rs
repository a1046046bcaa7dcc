//! Detection uses the MRZ (issue 11 item 6): a passport page on white paper whose found quad stops
//! just above the machine-readable zone is extended to the page's edge below it. Synthetic TD3
//! pages (needs fonts-ocr-b) know their true quad and zone.

mod common;

use common::ocrb::{self, Degrade, Rng};
use idcap::quality::mrz::CalendarDate;
use idcap::quality::mrz::{MrzFormat, MrzReader};
use idcap::quality::mrz_extend::{Beyond, look_below};
use idcap::quality::rectify::Rectified;
use idcap::quality::{DocChoice, Document, DocumentKind, Point, Quad};

const SEED: u64 = 0x4558_5445_4e44_3131;
/// White printer paper under the page.
const PAPER: [f64; 3] = [238.0, 238.0, 234.0];

/// The page's quad cut at `frac` (0–1) of its height: a card-shaped quad above the zone.
fn cut_at(truth: &Quad, frac: f64) -> Quad {
    let c = truth.corners();
    let along = |a: Point, b: Point| a.plus(b.minus(a).scale(frac));
    Quad::ordered([c[0], c[1], along(c[1], c[2]), along(c[0], c[3])])
}

#[test]
fn a_quad_ending_above_the_zone_is_extended_to_the_page_edge() {
    let font = ocrb::load_font();
    let mut rng = Rng(SEED);
    let (mut strip, mut reader, mut doc) = (
        Rectified::default(),
        MrzReader::default(),
        Rectified::default(),
    );
    let degrade = Degrade {
        max_quad_error: 0.0,
        ..Degrade::default()
    };
    let mut worst = 0.0f64;
    let today = CalendarDate::new(2026, 12, 4);
    for i in 0..8 {
        let fill = rng.range(0.55, 0.8);
        let s = ocrb::scene_on(
            &font,
            &mut rng,
            MrzFormat::Td3,
            (1280, 960),
            fill,
            &degrade,
            Some(PAPER),
        );
        let truth = s.quad.corners();
        let page_h = truth[0].dist(truth[3]);
        let found = Document {
            kind: DocumentKind::IdCard,
            quad: cut_at(&s.quad, 0.72),
            edge_support: 1.0,
        };
        let extended = match look_below(
            &s.frame,
            &found,
            DocChoice::Auto,
            today,
            &mut strip,
            &mut reader,
        ) {
            Some(Beyond::Extended(d)) => d,
            other => panic!("scene {i}: not extended: {other:?}"),
        };
        assert_eq!(extended.kind, DocumentKind::Passport);
        let e = extended.quad.corners();
        let error = e[2].dist(truth[2]).max(e[3].dist(truth[3])) / page_h;
        worst = worst.max(error);
        println!(
            "scene {i}: bottom corners off by {:.1} % of the page height",
            100.0 * error
        );
        assert!(
            e[0].dist(truth[0]) < 1.0 && e[1].dist(truth[1]) < 1.0,
            "the top stays"
        );
        assert!(
            error < 0.04,
            "scene {i}: bottom {:?} vs {:?}",
            &e[2..],
            &truth[2..]
        );
        // The extended quad holds the whole zone: it reads exactly.
        doc.build(&s.frame, &extended.quad, DocumentKind::Passport, 1280, 960);
        let r = reader
            .read_rectified(&doc, DocumentKind::Passport)
            .expect("a zone");
        assert!(r.valid && r.lines == s.zone, "scene {i}: {:?}", r.lines);

        // A quad that already holds the zone is left alone (its zone is returned); a choice of ID
        // cards only is not looked at.
        let whole = Document {
            kind: DocumentKind::Passport,
            quad: s.quad,
            edge_support: 1.0,
        };
        match look_below(
            &s.frame,
            &whole,
            DocChoice::Auto,
            today,
            &mut strip,
            &mut reader,
        ) {
            Some(Beyond::Zone(z)) => assert!(z.report.valid && z.report.lines == s.zone),
            other => panic!("scene {i}: {other:?}"),
        }
        let ids_only = DocChoice::IdCard;
        assert!(look_below(&s.frame, &found, ids_only, today, &mut strip, &mut reader).is_none());
    }
    println!(
        "worst bottom error: {:.1} % of the page height",
        100.0 * worst
    );
}
