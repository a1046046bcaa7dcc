//! Debug aid: draws the detected quad (red) on an image, and the working image's edge map.
//! `cargo run --release --example detect_debug -- FILE OUT.png [EDGES.png]`
use idcap::quality::prepare::{NO_EDGE, Prepared};
use idcap::quality::{Analyzer, Profile};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: detect_debug FILE OUT.png [EDGES.png]");
        std::process::exit(2);
    };
    let photo = match idcap::decode::read_file(std::path::Path::new(input)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let report = Analyzer::new().assess(&photo.image, &Profile::default());
    let mut img = photo.image.clone();
    if let Some(d) = &report.document {
        for i in 0..4 {
            let (a, b) = d.quad.edge(i);
            for off in [-2.0f32, -1.0, 0.0, 1.0, 2.0] {
                imageproc::drawing::draw_line_segment_mut(
                    &mut img,
                    (a.x as f32 + off, a.y as f32),
                    (b.x as f32 + off, b.y as f32),
                    image::Rgb([255, 0, 0]),
                );
            }
        }
        println!("{:?} quad {:?}", d.kind, d.quad.corners());
    } else {
        println!("no document");
    }
    for c in &report.checks {
        println!("{:<10} {:<5} {}", c.id.as_str(), c.pass, c.message);
    }
    if let Err(e) = img.save(out) {
        eprintln!("{e}");
    }
    if let Some(edges_out) = args.get(3) {
        let mut prep = Prepared::default();
        prep.build(&photo.image);
        let mut edges = image::RgbImage::new(prep.width, prep.height);
        for (i, a) in prep.edge_angle.iter().enumerate() {
            let v = prep.green[i] / 3;
            let px = if *a != NO_EDGE {
                [255, 255, 255]
            } else {
                [v, v, v]
            };
            edges.put_pixel(i as u32 % prep.width, i as u32 / prep.width, image::Rgb(px));
        }
        if let Err(e) = edges.save(edges_out) {
            eprintln!("{e}");
        }
    }
}
